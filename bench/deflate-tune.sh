#!/usr/bin/env bash
# zlib-rs's deflateTune on the repetitive logs of bench/collect.sh: can a setting between
# levels 6 and 7 keep level 7's size below `gzip -6` for much less CPU? (docs/performance.md,
# "log collect": tried and dropped.) Compresses the first 32 MiB of the repetitive tree in 1 MiB
# pieces primed with the 32 KiB before each, as `log collect` does, on one thread, and prints
# each setting's bytes against `gzip -6` and its CPU against level 7, both run in this script.
#
# The program goes to target/bench/deflate-tune and calls libz-rs-sys's C interface, which
# travelerUtil itself does not use. Run `bash bench/collect.sh` first: it makes the tree.
# Environment: BENCH_DIR (default /tmp/travelerutil-bench), RUNS (default 3; medians).
set -euo pipefail
BENCH_DIR="${BENCH_DIR:-/tmp/travelerutil-bench}"
RUNS="${RUNS:-3}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="$BENCH_DIR/rep/data/IBM_TECHNICAL_SUPPORT/traveler/logs"
[ -d "$logs" ] || { echo "deflate-tune.sh: no repetitive tree in $logs: run bash bench/collect.sh first" >&2; exit 1; }
work="$repo/target/bench/deflate-tune"
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "deflate-tune"
version = "0.0.0"
edition = "2021"
publish = false
[workspace]
[dependencies]
libz-rs-sys = "=0.6.8"
TOML
cat > "$work/src/main.rs" <<'RS'
use libz_rs_sys::*;
use std::time::Instant;

/// One piece as raw deflate ending in a sync flush, primed with `dict`; returns its size.
fn piece(input: &[u8], dict: &[u8], level: i32, tune: Option<[i32; 4]>) -> usize {
    let mut out = vec![0u8; input.len() + input.len() / 8 + 1024];
    // SAFETY: a zeroed z_stream is what deflateInit2_ expects; every pointer handed over
    // outlives the stream, which is ended before they go.
    unsafe {
        let mut s: z_stream = std::mem::zeroed();
        let size = std::mem::size_of::<z_stream>() as i32;
        assert_eq!(deflateInit2_(&mut s, level, 8, -15, 8, 0, zlibVersion(), size), Z_OK);
        if let Some([g, l, n, c]) = tune {
            assert_eq!(deflateTune(&mut s, g, l, n, c), Z_OK);
        }
        if !dict.is_empty() {
            assert_eq!(deflateSetDictionary(&mut s, dict.as_ptr(), dict.len() as u32), Z_OK);
        }
        s.next_in = input.as_ptr();
        s.avail_in = input.len() as u32;
        s.next_out = out.as_mut_ptr();
        s.avail_out = out.len() as u32;
        assert_eq!(deflate(&mut s, Z_SYNC_FLUSH), Z_OK);
        let n = out.len() - s.avail_out as usize;
        deflateEnd(&mut s);
        n
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let data = std::fs::read(args.next().expect("sample file")).expect("read the sample");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let settings: [(&str, i32, Option<[i32; 4]>); 7] = [
        ("level 4", 4, None),
        ("level 6", 6, None),
        ("level 7", 7, None),
        ("level 7, tune 8 16 128 128 (zlib's level 6)", 7, Some([8, 16, 128, 128])),
        ("level 7, tune 8 32 258 64", 7, Some([8, 32, 258, 64])),
        ("level 7, tune 8 16 64 32", 7, Some([8, 16, 64, 32])),
        ("level 7, tune 4 8 32 32", 7, Some([4, 8, 32, 32])),
    ];
    for (name, level, tune) in settings {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            bytes = 0;
            for (i, chunk) in data.chunks(1 << 20).enumerate() {
                let at = i << 20;
                bytes += piece(chunk, &data[at.saturating_sub(32 << 10)..at], level, tune);
            }
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!("{name}\t{bytes}\t{:.4}", times[times.len() / 2]);
    }
}
RS
(cd "$work" && cargo build --release --quiet)
sample="$work/sample.log"
python3 - "$sample" "$logs" <<'PY'
import glob, sys
out, left = open(sys.argv[1], "wb"), 32 << 20
for f in sorted(glob.glob(sys.argv[2] + "/*.log")):
    if left <= 0:
        break
    b = open(f, "rb").read(left)
    out.write(b)
    left -= len(b)
PY
gz=$(gzip -6 -c "$sample" | wc -c)
echo "sample: 32 MiB of $logs; gzip -6: $gz bytes; medians of $RUNS runs, one thread"
"$work/target/release/deflate-tune" "$sample" "$RUNS" | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
gz = int(sys.argv[1])
base = float(next(r for r in rows if r[0] == "level 7")[2])
for name, b, t in rows:
    print(f"{name:46} {int(b):>10,} B  {int(b) / gz:.3f}x gzip -6   {float(t):.3f} s  {float(t) / base:.2f}x level 7")
' "$gz"
