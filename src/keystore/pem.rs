//! Placeholder until the PEM export lands (keystore branch): the contract only.

/// Certificates as PEM text (RFC 7468).
pub fn certs_to_pem(certs: &[Vec<u8>]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for der in certs {
        let mut b = String::new();
        for chunk in der.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    b.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    b.push('=');
                }
            }
        }
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in b.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}
