//! stub
use super::Bundle;
pub(crate) fn render(_b: &Bundle) -> Vec<u8> {
    Vec::new()
}
