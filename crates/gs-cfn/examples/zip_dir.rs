//! Zips a directory as an asset and prints the SHA-256 (for `scripts/bench-assets`):
//! `cargo run --release -p gs-cfn --example zip_dir -- DIR OUT.zip`.

fn main() -> std::process::ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: zip_dir DIR OUT.zip");
        return std::process::ExitCode::from(2);
    };
    match gs_cfn::zip::zip_dir(std::path::Path::new(&dir)) {
        Ok(z) => {
            if let Err(e) = std::fs::write(&out, &z.bytes) {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
            println!("{}  {}", z.sha256, std::path::Path::new(&out).display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}; fix: {}", e.fix());
            std::process::ExitCode::FAILURE
        }
    }
}
