//! What can go wrong when a keystore is checked. Every message is a complete sentence that says
//! what is wrong and what to do; none ever contains a password (the variants hold none).

/// Why a keystore could not be verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    #[error(
        "the keystore file is empty (0 bytes); keytool reports this as 'Keystore file exists, but is empty'. \
         Restore the file from a backup or create it again"
    )]
    Empty,

    #[error("{}", not_a_keystore(detected))]
    NotAKeystore { detected: &'static str },

    #[error(
        "the keystore file ends early: {what} needs more bytes than remain at byte {at}; the file is probably \
         truncated (an incomplete copy or download). Copy the complete file again"
    )]
    Truncated { at: usize, what: &'static str },

    #[error("the keystore file is damaged or not in the expected format: {what}. Copy the file again or re-create it")]
    Malformed { what: String },

    #[error(
        "the keystore password is wrong, or the file was modified (the integrity check failed). For JKS and \
         JCEKS files these two cases cannot be told apart by design: the check is a keyed digest over the whole \
         file, and keytool reports both as 'Keystore was tampered with, or password was incorrect'. For PKCS#12, \
         keytool says 'keystore password was incorrect'. Check the password; if it is right, the file is damaged"
    )]
    WrongStorePassword,

    #[error(
        "the key password for alias '{alias}' is wrong (the key's check value did not match); the store password \
         may still be right. keytool reports this as 'Cannot recover key'. Use the password given with -keypass \
         when the key was created (it defaults to the store password)"
    )]
    WrongKeyPassword { alias: String },

    #[error("the keystore has no entry with alias '{alias}'; list the aliases with 'keytool -list -keystore <file>'")]
    UnknownAlias { alias: String },

    #[error(
        "the keystore's integrity check asks for {iterations} iterations, more than the limit of {max}; this is \
         refused to avoid a denial of service by a crafted file. If the file is genuine, raise the limit"
    )]
    IterationsTooHigh { iterations: u64, max: u64 },

    #[error(
        "the PKCS#12 file uses a MAC algorithm this tool does not support (OID {oid}); supported are HMAC with \
         SHA-1 or SHA-2 (RFC 7292) and PBMAC1 with PBKDF2 and HMAC-SHA-1/SHA-2 (RFC 9579). Re-export the file \
         with 'openssl pkcs12 -export' or keytool"
    )]
    UnsupportedMac { oid: String },

    #[error(
        "the PKCS#12 file has no MAC (for example made with 'openssl pkcs12 -export -nomac' or Java's \
         keystore.pkcs12.macAlgorithm=NONE) and nothing in it is encrypted, so no password protects it and \
         none can be checked; any password is accepted by keytool and OpenSSL. Re-export the file with a MAC \
         ('openssl pkcs12 -export' without -nomac) if its integrity matters"
    )]
    NoMac,

    #[error(
        "the keystore password is right (it decrypts {what}), but the file's integrity check failed: the file \
         was modified or damaged after it was written. Restore it from a backup or create it again"
    )]
    Modified { what: String },

    #[error("the keystore uses a feature this tool does not support: {what}")]
    Unsupported { what: String },

    #[error(
        "the keystore file is {size} bytes, more than the limit of {max} bytes; keystores are normally a few \
         kilobytes. Check that the right file was given"
    )]
    TooLarge { size: usize, max: usize },
}

fn not_a_keystore(detected: &str) -> String {
    match detected {
        "PEM" => "the file is PEM text ('-----BEGIN ...'), not a keystore; keytool reports 'Invalid keystore \
                  format' or 'toDerInputStream rejects tag type 45'. Convert a key and certificate to PKCS#12 \
                  with 'openssl pkcs12 -export -in cert.pem -inkey key.pem -out store.p12', or import a \
                  certificate with 'keytool -importcert'"
            .to_owned(),
        other => format!(
            "the file is not a JKS, JCEKS or PKCS#12 keystore (it looks like {other}); keytool reports \
             'Unrecognized keystore format'. Check that the right file was given"
        ),
    }
}

/// The exit code of each verdict (README, "Exit codes"): a wrong password is an authentication
/// failure, a damaged or foreign file is invalid input, and a file whose password this tool
/// cannot check (an unsupported MAC or scheme, or no MAC at all) is "check failed".
impl crate::error::HasExit for KeystoreError {
    fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        match self {
            KeystoreError::WrongStorePassword | KeystoreError::WrongKeyPassword { .. } => Exit::Authentication,
            KeystoreError::UnknownAlias { .. } => Exit::NotFound,
            KeystoreError::Empty
            | KeystoreError::NotAKeystore { .. }
            | KeystoreError::Truncated { .. }
            | KeystoreError::Malformed { .. }
            | KeystoreError::Modified { .. }
            | KeystoreError::TooLarge { .. }
            | KeystoreError::IterationsTooHigh { .. } => Exit::InvalidInput,
            KeystoreError::UnsupportedMac { .. } | KeystoreError::NoMac | KeystoreError::Unsupported { .. } => {
                Exit::CheckFailed
            }
        }
    }
}
