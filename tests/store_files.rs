//! The store on disk: creation and permissions, round trips, refusals (insecure modes,
//! symlinks, missing or wrong key), crash debris, and concurrent writers.
#![allow(clippy::unwrap_used, clippy::panic)] // tests: a failed unwrap is a failed test
#![cfg(unix)]

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use travelerutil::secret::Secret;
use travelerutil::store::{DbSettings, LockWait, Locked, Settings, Store, StoreError, TEMP_PREFIX};

const PASSWORD: &str = "Pl4nted-S3cret-Passw0rd";

fn settings(url: &str) -> Settings {
    Settings {
        version: 1,
        db: Some(DbSettings {
            url: url.into(),
            user: Some("db2inst1".into()),
            password: Some(Secret::new(PASSWORD.to_string())),
            path: Some(PathBuf::from("/opt/db2/java/db2jcc4.jar")),
            driver: Some("IBM DB2 ODBC DRIVER".into()),
        }),
        ..Settings::default()
    }
}

/// A fresh store in a not-yet-existing subdirectory of a private temp dir.
fn fresh() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("util"));
    (tmp, store)
}

/// The write lock, waiting long enough for any test machine (the bound itself is tested below).
fn try_lock(store: &Store) -> Result<Locked, StoreError> {
    store.lock(LockWait {
        timeout: std::time::Duration::from_secs(120),
        holder: "test",
        on_wait: &mut |_| {},
    })
}

fn write(store: &Store, s: &Settings) {
    try_lock(store).unwrap().write(s).unwrap();
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

fn chmod(p: &Path, mode: u32) {
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn paths() {
    let s = Store::new("/srv/util");
    assert_eq!(s.dir(), Path::new("/srv/util"));
    assert_eq!(s.store_path(), Path::new("/srv/util/travelerutil.store"));
    assert_eq!(s.key_path(), Path::new("/srv/util/travelerutil.key"));
    assert_eq!(s.lock_path(), Path::new("/srv/util/travelerutil.lock"));
}

#[test]
fn load_of_missing_or_empty_dir_is_none() {
    let (_tmp, store) = fresh();
    assert!(store.load().unwrap().is_none());
    assert!(!store.dir().exists(), "load must not create anything");
    fs::create_dir(store.dir()).unwrap();
    chmod(store.dir(), 0o700);
    assert!(store.load().unwrap().is_none());
    assert!(try_lock(&store).unwrap().read().unwrap().is_none());
}

#[test]
fn write_then_load_round_trip_with_private_modes() {
    let (_tmp, store) = fresh();
    let s = settings("jdbc:db2://h:50000/TRAVELER");
    write(&store, &s);
    assert_eq!(store.load().unwrap(), Some(s.clone()));
    assert_eq!(try_lock(&store).unwrap().read().unwrap(), Some(s));
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.key_path()), 0o600);
    assert_eq!(mode(&store.store_path()), 0o600);
    assert_eq!(mode(&store.lock_path()), 0o600);
    assert_eq!(fs::read(store.key_path()).unwrap().len(), 56);
}

#[test]
fn second_write_keeps_the_key_and_replaces_the_settings() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://a:1/A"));
    let key = fs::read(store.key_path()).unwrap();
    let s2 = settings("jdbc:db2://b:2/B");
    write(&store, &s2);
    assert_eq!(fs::read(store.key_path()).unwrap(), key);
    assert_eq!(store.load().unwrap(), Some(s2));
    write(&store, &Settings::default());
    assert_eq!(store.load().unwrap(), Some(Settings::default()));
}

#[test]
fn planted_password_never_appears_in_clear() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:50000/TRAVELER"));
    for path in [store.store_path(), store.key_path()] {
        let bytes = fs::read(&path).unwrap();
        assert!(
            !bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()),
            "{}",
            path.display()
        );
        assert!(!bytes.windows(8).any(|w| w == b"db2inst1"), "{}", path.display());
    }
}

#[test]
fn group_readable_store_is_refused_with_the_exact_fix() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    chmod(&store.store_path(), 0o644);
    let err = store.load().unwrap_err();
    let expected_fix = format!("chmod 600 '{}'", store.store_path().display());
    match &err {
        StoreError::InsecurePermissions { path, mode, fix } => {
            assert_eq!(path, &store.store_path());
            assert_eq!(*mode, 0o644);
            assert_eq!(fix, &expected_fix);
        }
        other => panic!("expected InsecurePermissions, got {other:?}"),
    }
    assert!(err.is_permission_problem());
    assert_eq!(err.fix(), Some(expected_fix.as_str()));
    assert!(err.to_string().contains("mode 0644"), "{err}");
    assert!(err.to_string().ends_with(&expected_fix), "{err}");
    // Writers refuse too, and leave the file alone.
    let before = fs::read(store.store_path()).unwrap();
    let mut lock = try_lock(&store).unwrap();
    assert!(matches!(
        lock.write(&Settings::default()),
        Err(StoreError::InsecurePermissions { .. })
    ));
    assert!(matches!(lock.read(), Err(StoreError::InsecurePermissions { .. })));
    assert_eq!(fs::read(store.store_path()).unwrap(), before);
}

#[test]
fn other_readable_key_is_refused() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    chmod(&store.key_path(), 0o604);
    match store.load() {
        Err(StoreError::InsecurePermissions { path, mode: 0o604, fix }) => {
            assert_eq!(path, store.key_path());
            assert_eq!(fix, format!("chmod 600 '{}'", store.key_path().display()));
        }
        other => panic!("expected InsecurePermissions, got {other:?}"),
    }
}

#[test]
fn open_directory_is_refused_with_chmod_700() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    chmod(store.dir(), 0o750);
    let expected_fix = format!("chmod 700 '{}'", store.dir().display());
    for err in [store.load().unwrap_err(), try_lock(&store).unwrap_err()] {
        match err {
            StoreError::InsecurePermissions { path, mode: 0o750, fix } => {
                assert_eq!(path, store.dir());
                assert_eq!(fix, expected_fix);
            }
            other => panic!("expected InsecurePermissions, got {other:?}"),
        }
    }
    // Even before any store exists.
    let (_tmp2, empty) = fresh();
    fs::create_dir(empty.dir()).unwrap();
    chmod(empty.dir(), 0o755);
    assert!(matches!(
        empty.load(),
        Err(StoreError::InsecurePermissions { mode: 0o755, .. })
    ));
}

#[test]
fn fix_quotes_single_quotes_posix_style() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::new(tmp.path().join("it's here"));
    write(&store, &Settings::default());
    chmod(&store.store_path(), 0o640);
    let Err(err) = store.load() else {
        panic!("expected an error")
    };
    let expected = format!("chmod 600 '{}/it'\\''s here/travelerutil.store'", tmp.path().display());
    assert_eq!(err.fix(), Some(expected.as_str()));
}

#[test]
fn symlinked_store_or_key_is_refused() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    let real = store.dir().join("real.store");
    fs::rename(store.store_path(), &real).unwrap();
    symlink(&real, store.store_path()).unwrap();
    assert!(matches!(store.load(), Err(StoreError::NotRegularFile { path }) if path == store.store_path()));
    fs::remove_file(store.store_path()).unwrap();
    fs::rename(&real, store.store_path()).unwrap();
    assert!(store.load().unwrap().is_some());

    let real_key = store.dir().join("real.key");
    fs::rename(store.key_path(), &real_key).unwrap();
    symlink(&real_key, store.key_path()).unwrap();
    let err = store.load().unwrap_err();
    assert!(matches!(&err, StoreError::NotRegularFile { path } if path == &store.key_path()));
    assert!(err.is_permission_problem());
}

#[test]
fn symlinked_lock_file_is_refused() {
    let (tmp, store) = fresh();
    fs::create_dir(store.dir()).unwrap();
    chmod(store.dir(), 0o700);
    let target = tmp.path().join("elsewhere");
    symlink(&target, store.lock_path()).unwrap();
    assert!(matches!(try_lock(&store), Err(StoreError::NotRegularFile { .. })));
    assert!(!target.exists(), "the symlink target must not be created");
}

#[test]
fn missing_key_is_reported_and_the_store_is_never_overwritten() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    let before = fs::read(store.store_path()).unwrap();
    fs::remove_file(store.key_path()).unwrap();

    let err = store.load().unwrap_err();
    match &err {
        StoreError::KeyMissing { store: s, key: k } => {
            assert_eq!(s, &store.store_path());
            assert_eq!(k, &store.key_path());
        }
        other => panic!("expected KeyMissing, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("exists but its key") && msg.contains("restore the key file from backup"),
        "{msg}"
    );

    let mut lock = try_lock(&store).unwrap();
    assert!(matches!(
        lock.write(&Settings::default()),
        Err(StoreError::KeyMissing { .. })
    ));
    drop(lock);
    assert_eq!(
        fs::read(store.store_path()).unwrap(),
        before,
        "store must stay byte-identical"
    );
    assert!(
        !store.key_path().exists(),
        "no new key may be created next to an existing store"
    );
}

#[test]
fn wrong_key_file_is_reported_and_the_store_is_not_overwritten() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    let before = fs::read(store.store_path()).unwrap();
    // Another store's key.
    let (_tmp2, other) = fresh();
    write(&other, &Settings::default());
    fs::copy(other.key_path(), store.key_path()).unwrap();
    assert!(matches!(store.load(), Err(StoreError::WrongKey { .. })));
    assert!(matches!(
        try_lock(&store).unwrap().write(&Settings::default()),
        Err(StoreError::WrongKey { .. })
    ));
    assert_eq!(fs::read(store.store_path()).unwrap(), before);
}

#[test]
fn invalid_key_file_and_damaged_store() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    let good_key = fs::read(store.key_path()).unwrap();
    fs::write(store.key_path(), b"short").unwrap();
    assert!(matches!(store.load(), Err(StoreError::KeyInvalid { key }) if key == store.key_path()));
    fs::write(store.key_path(), &good_key).unwrap();

    let mut bytes = fs::read(store.store_path()).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    fs::write(store.store_path(), &bytes).unwrap();
    let err = store.load().unwrap_err();
    assert!(matches!(&err, StoreError::Tampered { path } if path == &store.store_path()));
    assert_eq!(
        err.to_string(),
        format!(
            "{} failed its integrity check (AES-GCM tag mismatch): the file was modified or damaged; \
             restore it from backup, or remove it with `rm` to start over",
            store.store_path().display()
        )
    );

    fs::write(store.store_path(), b"not a store at all").unwrap();
    assert!(matches!(store.load(), Err(StoreError::NotAStore { .. })));
    let mut v2 = b"TRVUSTO\x01\x00\x02".to_vec();
    v2.extend_from_slice(&[0; 60]);
    fs::write(store.store_path(), &v2).unwrap();
    assert!(matches!(
        store.load(),
        Err(StoreError::UnsupportedVersion { version: 2, .. })
    ));
}

#[test]
fn decrypted_garbage_is_corrupt_without_quoting_it() {
    use travelerutil::store::format::{self, Key};
    let (_tmp, store) = fresh();
    write(&store, &Settings::default());
    let key = Key::from_file_bytes(&fs::read(store.key_path()).unwrap()).unwrap();
    let enc = format::encode(&key, br#"{"version":"hunter2"}"#).unwrap();
    fs::write(store.store_path(), enc).unwrap();
    let err = store.load().unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn existing_key_without_store_is_reused() {
    let (_tmp, store) = fresh();
    write(&store, &Settings::default());
    let key = fs::read(store.key_path()).unwrap();
    fs::remove_file(store.store_path()).unwrap();
    assert!(store.load().unwrap().is_none());
    write(&store, &settings("jdbc:db2://h:1/T"));
    assert_eq!(fs::read(store.key_path()).unwrap(), key);
    assert!(store.load().unwrap().is_some());
}

#[test]
fn a_write_removes_stale_temp_files_only() {
    let (_tmp, store) = fresh();
    write(&store, &Settings::default());
    let stale = store.dir().join(format!("{TEMP_PREFIX}abc123"));
    let stale2 = store.dir().join(format!("{TEMP_PREFIX}zzz"));
    let foreign = store.dir().join("notes.txt");
    let lookalike = store.dir().join("travelerutil.tmp-keep");
    let dir_with_prefix = store.dir().join(format!("{TEMP_PREFIX}dir"));
    fs::write(&stale, b"partial").unwrap();
    fs::write(&stale2, b"").unwrap();
    fs::write(&foreign, b"keep").unwrap();
    fs::write(&lookalike, b"keep").unwrap();
    fs::create_dir(&dir_with_prefix).unwrap();
    let mut lock = try_lock(&store).unwrap();
    // Taking the lock deletes nothing: a command that fails after it must leave all as it was.
    assert!(stale.exists() && stale2.exists());
    lock.write(&Settings::default()).unwrap();
    drop(lock);
    assert!(!stale.exists() && !stale2.exists());
    assert!(foreign.exists() && lookalike.exists() && dir_with_prefix.exists());
    // A successful write leaves no temporary file behind.
    let leftovers: Vec<_> = fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(TEMP_PREFIX) && !n.ends_with("dir"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn failed_write_leaves_no_temp_file() {
    let (_tmp, store) = fresh();
    write(&store, &Settings::default());
    fs::remove_file(store.key_path()).unwrap();
    let mut lock = try_lock(&store).unwrap();
    assert!(lock.write(&Settings::default()).is_err());
    assert!(
        fs::read_dir(store.dir())
            .unwrap()
            .all(|e| { !e.unwrap().file_name().to_string_lossy().starts_with(TEMP_PREFIX) })
    );
}

#[test]
fn concurrent_read_modify_write_cycles() {
    const THREADS: usize = 8;
    const CYCLES: usize = 25;
    let (_tmp, store) = fresh();
    let store = Arc::new(store);
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for c in 0..CYCLES {
                    let mut lock = try_lock(&store).unwrap();
                    let mut s = lock.read().unwrap().unwrap_or_default();
                    // Counting proves no update was lost: every cycle sees the previous one.
                    s.version += 1;
                    s.db = Some(DbSettings {
                        url: format!("jdbc:db2://t{t}:1/C{c}"),
                        ..DbSettings::default()
                    });
                    lock.write(&s).unwrap();
                    // Lock-free readers see a complete old or new store, never a torn one.
                    assert!(store.load().unwrap().is_some());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let last = store.load().unwrap().unwrap();
    assert_eq!(last.version as usize, 1 + THREADS * CYCLES);
    let url = last.db.unwrap().url;
    let written: Vec<String> = (0..THREADS)
        .flat_map(|t| (0..CYCLES).map(move |c| format!("jdbc:db2://t{t}:1/C{c}")))
        .collect();
    assert!(written.contains(&url), "{url}");
}

#[test]
fn debug_of_loaded_settings_hides_the_password() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/T"));
    let loaded = store.load().unwrap();
    assert!(!format!("{loaded:?}").contains(PASSWORD));
    assert_eq!(loaded.unwrap().db.unwrap().password.unwrap().expose(), PASSWORD);
}

#[test]
fn a_busy_lock_is_waited_for_a_bounded_time_and_names_its_holder() {
    let (_tmp, store) = fresh();
    write(&store, &Settings::default());
    let held = store
        .lock(LockWait {
            timeout: std::time::Duration::from_secs(5),
            holder: "db set",
            on_wait: &mut |_| {},
        })
        .unwrap();
    let mut told = Vec::new();
    let started = std::time::Instant::now();
    let err = store
        .lock(LockWait {
            timeout: std::time::Duration::from_secs(1),
            holder: "ssl set",
            on_wait: &mut |who| told.push(who.to_string()),
        })
        .unwrap_err();
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(1) && waited < std::time::Duration::from_secs(5),
        "{waited:?}"
    );
    let pid = std::process::id();
    assert_eq!(told, [format!("travelerUtil db set (pid {pid})")]);
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Busy { .. }), "{msg}");
    assert!(
        msg.contains(&format!("pid {pid}")) && msg.contains("TRAVELERUTIL_LOCK_TIMEOUT"),
        "{msg}"
    );
    drop(held);
    // Free again: taken at once.
    write(&store, &Settings::default());
}

#[test]
fn a_failed_first_write_leaves_nothing_behind() {
    let (tmp, store) = fresh();
    // An unserialisable path fails the write after the lock created the directory.
    let s = Settings {
        db: Some(DbSettings {
            url: "jdbc:db2://h:1/DB".into(),
            path: Some(PathBuf::from(std::ffi::OsStr::from_bytes(b"/opt/\xff.jar"))),
            ..DbSettings::default()
        }),
        ..Settings::default()
    };
    let mut lock = try_lock(&store).unwrap();
    assert!(store.dir().is_dir());
    assert!(lock.write(&s).is_err());
    drop(lock);
    assert!(
        !store.dir().exists(),
        "{:?}",
        fs::read_dir(tmp.path()).unwrap().collect::<Vec<_>>()
    );
}

#[test]
#[ignore = "needs root (chown to another account): bash scripts/test.sh runs it"]
fn a_store_owned_by_another_account_is_refused_with_the_exact_chown() {
    let (_tmp, store) = fresh();
    write(&store, &settings("jdbc:db2://h:1/DB"));
    assert_eq!(
        travelerutil::sys::process::euid(),
        0,
        "run as root: only root can chown to another account"
    );
    std::os::unix::fs::chown(store.key_path(), Some(65534), None).unwrap();
    let err = store.load().unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::WrongOwner { .. }), "{msg}");
    assert!(
        msg.contains(&format!("chown root '{}'", store.key_path().display())),
        "{msg}"
    );
    std::os::unix::fs::chown(store.key_path(), Some(0), None).unwrap();
    std::os::unix::fs::chown(store.dir(), Some(65534), None).unwrap();
    assert!(matches!(store.load(), Err(StoreError::WrongOwner { .. })));
}
