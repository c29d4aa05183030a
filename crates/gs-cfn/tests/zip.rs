//! The asset zip is byte-identical across runs and machines: for random directory trees, the
//! same files give the same bytes whatever order they were created in and whatever their
//! modification times.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use proptest::prelude::*;

fn scratch(tag: &str, case: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/tmp")
        .join(format!("zip-prop-{}-{tag}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Random trees: up to 12 files, up to 3 levels deep, names from a small alphabet (so
/// directories are shared and names collide), contents small and compressible or random.
fn tree() -> impl Strategy<Value = Vec<(Vec<String>, Vec<u8>, bool)>> {
    let name = prop::sample::select(vec!["a", "b", "B", ".env", "lib", "x.py", "é"]);
    let path = prop::collection::vec(name, 1..4)
        .prop_map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>());
    let content = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (0u8..4, 0usize..2000).prop_map(|(b, n)| vec![b'a' + b; n]),
    ];
    prop::collection::vec((path, content, any::<bool>()), 0..12)
}

/// Writes the files in `order`; a path that collides with an earlier file or directory is
/// skipped (the same in both orders: it is decided on the set of paths, not the order).
fn write(dir: &Path, files: &[(Vec<String>, Vec<u8>, bool)], order: &[usize], mtime: u64) {
    let keep = |i: usize| {
        let p = &files[i].0;
        // A file whose path is a prefix of another (a file where a directory must be), or an
        // earlier duplicate, is dropped.
        !files.iter().enumerate().any(|(j, (q, _, _))| {
            (q.len() > p.len() && q[..p.len()] == p[..])
                || (p.len() > q.len() && p[..q.len()] == q[..])
                || (q == p && j > i)
        })
    };
    for &i in order {
        if !keep(i) {
            continue;
        }
        let (path, content, exec) = &files[i];
        let file = path.iter().fold(dir.to_path_buf(), |d, c| d.join(c));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if *exec { 0o750 } else { 0o600 };
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let f = std::fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(mtime + i as u64 * 7919))
            .unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_zip_is_byte_identical_whatever_the_creation_order_and_mtimes(
        files in tree(), case in any::<u64>(), seed in any::<u64>()
    ) {
        let forward: Vec<usize> = (0..files.len()).collect();
        let mut shuffled = forward.clone();
        // A permutation from the seed (a rotation and a reversal).
        let n = shuffled.len().max(1);
        shuffled.rotate_left((seed as usize) % n);
        if seed & 1 == 1 {
            shuffled.reverse();
        }
        let a = scratch("a", case);
        let b = scratch("b", case);
        write(&a, &files, &forward, 1_000_000_000);
        write(&b, &files, &shuffled, 1_700_000_000 + seed % 1_000_000);
        let za = gs_cfn::zip::zip_dir(&a).unwrap();
        let zb = gs_cfn::zip::zip_dir(&b).unwrap();
        let again = gs_cfn::zip::zip_dir(&a).unwrap();
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
        prop_assert_eq!(&za.sha256, &zb.sha256);
        prop_assert!(za.bytes == zb.bytes);
        prop_assert!(za.bytes == again.bytes);
    }
}

#[test]
fn different_content_gives_a_different_hash() {
    let a = scratch("diff-a", 0);
    let b = scratch("diff-b", 0);
    std::fs::write(a.join("index.py"), "A = 1\n").unwrap();
    std::fs::write(b.join("index.py"), "A = 2\n").unwrap();
    let za = gs_cfn::zip::zip_dir(&a).unwrap();
    let zb = gs_cfn::zip::zip_dir(&b).unwrap();
    assert_ne!(za.sha256, zb.sha256);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}
