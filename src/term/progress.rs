//! The one progress bar style of every long job (`log collect`, `pmr` uploads): on stderr, only
//! when stderr is a terminal, never with `-q` or `--json`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A byte-counting bar labelled `what` (`collecting`, `uploading`), or `None` when no bar
/// should be drawn.
#[must_use]
pub fn bytes(what: &str, total: u64, quiet: bool, json: bool) -> Option<ProgressBar> {
    if quiet || json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {what} [{{bar:30}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}
