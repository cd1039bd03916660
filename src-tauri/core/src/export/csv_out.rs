//! stub
use super::Bundle;
pub(crate) fn render(_b: &Bundle) -> crate::error::Result<Vec<u8>> {
    Ok(Vec::new())
}
