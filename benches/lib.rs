//! The benchmarks of gs are in `synth.rs` (`cargo bench -p gs-benches --bench synth`); this
//! package has no library code.
