//! stub
use super::Bundle;
pub(crate) fn render(_b: &Bundle) -> String {
    String::new()
}
