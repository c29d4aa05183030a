//! A deterministic zip of a directory: the same tree gives the same bytes on every run and
//! machine, so the SHA-256 of the zip can be the asset's id (and S3 key).
//!
//! What makes it deterministic, and how it compares with the AWS CDK (`cdk-assets`'
//! `zipDirectory`, which globs `**` with `dot: true, nodir: true, follow: true` and appends each
//! file with the date 1980-01-01 and the file's `stat.mode`):
//! - **Entries:** regular files only, no directory entries (as CDK); dot files included (as CDK);
//!   symbolic links followed (as CDK), a link that leads back into one of its own ancestors is an
//!   error instead of a loop. Sorted by their path (`/`-separated, compared as bytes), whatever
//!   order the file system lists them in.
//! - **Timestamps:** all 1980-01-01 00:00 (the earliest a zip can say; as CDK), no extra fields
//!   (so no Unix timestamps or uid/gid, which `zip -X` also leaves out).
//! - **Permissions:** `0644`, or `0755` when any execute bit is set. CDK keeps the whole
//!   `stat.mode`, which depends on the machine's umask and checkout; the execute bit is the part
//!   Lambda needs (a custom runtime's `bootstrap`).
//! - **Compression:** deflate at level 6 (zlib's default, which `zip` and CDK's `archiver` also
//!   use), or stored when deflate would not make the file smaller.
//!
//! Limits: no ZIP64, so at most 65,535 files and 4 GiB; Lambda refuses more than 250 MB unzipped
//! long before that.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The DOS date of 1980-01-01 (day 1, month 1, year 0 from 1980).
const DOS_DATE: u16 = (1 << 5) | 1;
/// "Made by" Unix (3), spec version 2.0: the external attributes hold Unix permissions.
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
/// Deflate compression level: zlib's default.
const LEVEL: u32 = 6;

/// Why a directory could not be zipped.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// The directory does not exist (or cannot be read at all).
    #[error("the directory {dir} cannot be read: {reason}")]
    Directory {
        /// The directory given.
        dir: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// A file or directory inside cannot be read.
    #[error("{file} cannot be read: {reason}")]
    Unreadable {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// A symbolic link leads to a directory that contains the link: following it never ends.
    #[error("the symbolic link {link} leads back to {target}, which contains it (a loop)")]
    SymlinkLoop {
        /// The link.
        link: PathBuf,
        /// The directory it leads to.
        target: PathBuf,
    },
    /// Something that is neither a file nor a directory (a socket, a FIFO, a device).
    #[error("{file} is neither a regular file nor a directory")]
    NotAFile {
        /// The entry.
        file: PathBuf,
    },
    /// A name that is not UTF-8: its bytes would be read differently on other machines.
    #[error("{file} has a name that is not UTF-8")]
    NotUtf8 {
        /// The entry.
        file: PathBuf,
    },
    /// Over what a zip without ZIP64 can hold.
    #[error("the directory {dir} is too large to zip: {reason}")]
    TooLarge {
        /// The directory given.
        dir: PathBuf,
        /// Which limit.
        reason: String,
    },
}

impl ZipError {
    /// How to fix it, for the user.
    pub fn fix(&self) -> &'static str {
        match self {
            ZipError::Directory { .. } => "give the path of an existing, readable directory (a relative path is taken from the current directory, not the source file)",
            ZipError::Unreadable { .. } => "make the file readable by the user who runs synthesis, or move it out of the asset directory",
            ZipError::SymlinkLoop { .. } => "remove the link or point it outside its own ancestors",
            ZipError::NotAFile { .. } => "remove it from the asset directory: only regular files are zipped",
            ZipError::NotUtf8 { .. } => "rename the file with a UTF-8 name",
            ZipError::TooLarge { .. } => "split the code: Lambda accepts at most 250 MB unzipped (use a container image beyond that)",
        }
    }
}

/// A zipped directory: the bytes and their SHA-256 (lower-case hex), the asset id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zipped {
    /// The zip file.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, 64 lower-case hex digits.
    pub sha256: String,
    /// How many files it holds.
    pub files: usize,
    /// Their total size before compression.
    pub unzipped_size: u64,
}

/// One file to zip: its name in the zip and where it is.
struct Entry {
    name: String,
    path: PathBuf,
    executable: bool,
}

/// Zips `dir` deterministically (see the module) and hashes the result.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("gs-zip-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("lib"))?;
/// std::fs::write(dir.join("index.js"), "exports.handler = async () => 'ok';")?;
/// std::fs::write(dir.join("lib/util.js"), "module.exports = {};")?;
/// let a = gs_cfn::zip::zip_dir(&dir)?;
/// let b = gs_cfn::zip::zip_dir(&dir)?;
/// assert_eq!(a, b);
/// assert_eq!(a.files, 2);
/// assert_eq!(a.sha256.len(), 64);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn zip_dir(dir: &Path) -> Result<Zipped, ZipError> {
    let entries = list(dir)?;
    write_zip(dir, &entries)
}

/// The identity of a directory, to recognize it again through a link.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata, _path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata, path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Every regular file under `dir`, links followed, sorted by name. Iterative (a work list, not
/// recursion), so a deep tree cannot overflow the stack; each directory carries the identities
/// of its ancestors, so a link back into one is a loop and anything else is walked.
fn list(dir: &Path) -> Result<Vec<Entry>, ZipError> {
    let meta = std::fs::metadata(dir).map_err(|e| ZipError::Directory {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(ZipError::Directory {
            dir: dir.to_path_buf(),
            reason: "it is not a directory".into(),
        });
    }
    let mut files = Vec::new();
    // (directory, its name prefix in the zip, identities of it and its ancestors)
    let mut work = vec![(dir.to_path_buf(), String::new(), vec![identity(&meta, dir)])];
    while let Some((current, prefix, ancestors)) = work.pop() {
        let unreadable = |file: &Path, e: std::io::Error| ZipError::Unreadable {
            file: file.to_path_buf(),
            reason: e.to_string(),
        };
        let read = std::fs::read_dir(&current).map_err(|e| {
            if current == dir {
                ZipError::Directory {
                    dir: dir.to_path_buf(),
                    reason: e.to_string(),
                }
            } else {
                unreadable(&current, e)
            }
        })?;
        for item in read {
            let item = item.map_err(|e| unreadable(&current, e))?;
            let path = item.path();
            let Some(name) = item.file_name().to_str().map(str::to_owned) else {
                return Err(ZipError::NotUtf8 { file: path });
            };
            // Follows links; a dangling one is unreadable.
            let meta = std::fs::metadata(&path).map_err(|e| unreadable(&path, e))?;
            let zip_name = format!("{prefix}{name}");
            if meta.is_dir() {
                let id = identity(&meta, &path);
                if ancestors.contains(&id) {
                    let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                    return Err(ZipError::SymlinkLoop { link: path, target });
                }
                let mut chain = ancestors.clone();
                chain.push(id);
                work.push((path, format!("{zip_name}/"), chain));
            } else if meta.is_file() {
                files.push(Entry {
                    name: zip_name,
                    executable: is_executable(&meta),
                    path,
                });
            } else {
                return Err(ZipError::NotAFile { file: path });
            }
        }
    }
    files.sort_unstable_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(files)
}

/// A central-directory record's fields, kept until the end.
struct Central {
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
    mode: u32,
}

fn write_zip(dir: &Path, entries: &[Entry]) -> Result<Zipped, ZipError> {
    let too_large = |reason: &str| ZipError::TooLarge {
        dir: dir.to_path_buf(),
        reason: reason.into(),
    };
    let count = u16::try_from(entries.len())
        .map_err(|_| too_large("more than 65,535 files (a zip without ZIP64)"))?;
    let mut out: Vec<u8> = Vec::new();
    let mut central = Vec::with_capacity(entries.len());
    let mut deflated: Vec<u8> = Vec::new();
    let mut unzipped_size = 0u64;
    let over_4g = || too_large("over 4 GiB (a zip without ZIP64)");
    for e in entries {
        let data = std::fs::read(&e.path).map_err(|err| ZipError::Unreadable {
            file: e.path.clone(),
            reason: err.to_string(),
        })?;
        unzipped_size += data.len() as u64;
        let crc = crc32fast::hash(&data);
        deflated.clear();
        let mut encoder = flate2::write::DeflateEncoder::new(
            std::mem::take(&mut deflated),
            flate2::Compression::new(LEVEL),
        );
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&data);
        deflated = encoder.finish().unwrap_or_default();
        let (method, body): (u16, &[u8]) = if deflated.len() < data.len() {
            (8, &deflated)
        } else {
            (0, &data)
        };
        let size = u32::try_from(data.len()).map_err(|_| over_4g())?;
        let compressed = u32::try_from(body.len()).map_err(|_| over_4g())?;
        let offset = u32::try_from(out.len()).map_err(|_| over_4g())?;
        let name = e.name.as_bytes();
        let name_len =
            u16::try_from(name.len()).map_err(|_| too_large("a path over 65,535 bytes"))?;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        local_fields(&mut out, method, flags(&e.name), crc, compressed, size);
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra fields
        out.extend_from_slice(name);
        out.extend_from_slice(body);
        central.push(Central {
            method,
            crc,
            compressed,
            size,
            offset,
            mode: if e.executable { 0o100_755 } else { 0o100_644 },
        });
    }
    let cd_start = u32::try_from(out.len()).map_err(|_| over_4g())?;
    for (e, c) in entries.iter().zip(&central) {
        let name = e.name.as_bytes();
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&VERSION_MADE_BY.to_le_bytes());
        local_fields(
            &mut out,
            c.method,
            flags(&e.name),
            c.crc,
            c.compressed,
            c.size,
        );
        // name length (checked above), extra, comment, disk, internal attributes
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&(c.mode << 16).to_le_bytes());
        out.extend_from_slice(&c.offset.to_le_bytes());
        out.extend_from_slice(name);
    }
    let cd_size = u32::try_from(out.len())
        .map_err(|_| over_4g())?
        .saturating_sub(cd_start);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, disk of the central directory
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
    let sha256 = sha256_hex(&out);
    Ok(Zipped {
        bytes: out,
        sha256,
        files: entries.len(),
        unzipped_size,
    })
}

/// General-purpose flags: bit 11 says the name is UTF-8, set only when it is not ASCII (as
/// Info-ZIP's `zip` does).
fn flags(name: &str) -> u16 {
    if name.is_ascii() {
        0
    } else {
        1 << 11
    }
}

/// The fields a local header and a central record share, from "version needed" to the sizes.
fn local_fields(out: &mut Vec<u8>, method: u16, flags: u16, crc: u32, compressed: u32, size: u32) {
    let needed: u16 = if method == 8 { 20 } else { 10 };
    out.extend_from_slice(&needed.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&method.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // 00:00:00
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&compressed.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
}

/// SHA-256 of `bytes` as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    hex
}
