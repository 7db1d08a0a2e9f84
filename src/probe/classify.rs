//! Placeholder until the classifier lands.
use super::{DiagRecord, FailureClass, Stage, Verdict};
pub fn classify(stage: Stage, records: &[DiagRecord]) -> Verdict {
    let _ = (stage, records);
    Verdict {
        class: FailureClass::Other,
        evidence: None,
        hint: String::new(),
    }
}

impl FailureClass {
    pub fn describe(self) -> &'static str {
        "check failed"
    }
}
