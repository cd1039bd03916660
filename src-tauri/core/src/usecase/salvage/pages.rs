//! The damaged journal read page by page, below SQL: for the rows that SQL cannot reach
//! because an interior page of their table's tree is damaged (SQLite's tree has no sibling
//! links, so every leaf below that page is out of reach of any query).
//!
//! Each page is decrypted here as SQLCipher 4 writes it with a raw key: AES-256-CBC over
//! the page less its reserve (80 bytes: a 16-byte IV, then an HMAC-SHA512 over the
//! ciphertext, the IV and the page number, little-endian, under a key derived from the
//! database key by PBKDF2-HMAC-SHA512 with 2 rounds over the file's salt XOR 0x3a). A page
//! whose HMAC fails is damaged and skipped. The plaintext is SQLite's own page format
//! (b-tree pages, cells, overflow chains, records), parsed only as far as salvage needs:
//! table trees, to learn which leaves each tree still reaches, and table leaves, for
//! their rows. Leaves no tree reaches, that are not free pages, are the orphans a damaged
//! interior page left; the caller gives each to the table whose rows it fits.

use std::collections::HashSet;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use hmac::{Hmac, Mac};
use rusqlite::types::Value;
use sha2::Sha512;

use crate::secret::DbKey;

const PAGE: usize = 4096;
const RESERVE: usize = 80;
const USABLE: usize = PAGE - RESERVE;

/// A table leaf's rows: `(rowid, record values)`.
pub(super) type LeafRows = Vec<(i64, Vec<Value>)>;

/// The file's pages, decrypted on demand.
pub(super) struct Pages {
    bytes: Vec<u8>,
    key: zeroize::Zeroizing<[u8; 32]>,
    mac_key: zeroize::Zeroizing<[u8; 32]>,
}

impl Pages {
    /// The file's bytes and the keys for its pages; `None` if it is not a whole number of
    /// pages.
    pub(super) fn open(path: &std::path::Path, key: &DbKey) -> Option<Pages> {
        let bytes = std::fs::read(path).ok()?;
        if bytes.len() < PAGE || bytes.len() % PAGE != 0 {
            return None;
        }
        let salt: Vec<u8> = bytes[..16].iter().map(|b| b ^ 0x3a).collect();
        let mut mac_key = zeroize::Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha512>(key.expose_bytes_dangerously(), &salt, 2, &mut *mac_key);
        let mut aes_key = zeroize::Zeroizing::new([0u8; 32]);
        aes_key.copy_from_slice(key.expose_bytes_dangerously());
        Some(Pages {
            bytes,
            key: aes_key,
            mac_key,
        })
    }

    pub(super) fn count(&self) -> u64 {
        (self.bytes.len() / PAGE) as u64
    }

    /// Page `n` (from 1) in plaintext, or `None` when it is damaged or past the end.
    pub(super) fn page(&self, n: u64) -> Option<Vec<u8>> {
        let i = usize::try_from(n.checked_sub(1)?).ok()?;
        let raw = self.bytes.get(i * PAGE..(i + 1) * PAGE)?;
        let start = if n == 1 { 16 } else { 0 };
        let (body, iv) = (&raw[start..USABLE], &raw[USABLE..USABLE + 16]);
        let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(&*self.mac_key).ok()?;
        mac.update(&raw[start..USABLE + 16]);
        mac.update(&u32::try_from(n).ok()?.to_le_bytes());
        mac.verify_slice(&raw[USABLE + 16..]).ok()?;
        let mut out = vec![0u8; PAGE];
        out[..16].copy_from_slice(b"SQLite format 3\0");
        out[start..USABLE].copy_from_slice(body);
        cbc::Decryptor::<aes::Aes256>::new_from_slices(&*self.key, iv)
            .ok()?
            .decrypt_padded_mut::<NoPadding>(&mut out[start..USABLE])
            .ok()?;
        Some(out)
    }

    /// The pages on the free list (as far as its trunk pages can be read).
    pub(super) fn free_pages(&self) -> HashSet<u64> {
        let mut free = HashSet::new();
        let Some(first) = self.page(1) else {
            return free;
        };
        let mut trunk = u64::from(be32(&first, 32));
        while trunk != 0 && free.insert(trunk) {
            let Some(p) = self.page(trunk) else { break };
            let n = be32(&p, 4) as usize;
            for k in 0..n.min((USABLE - 8) / 4) {
                free.insert(u64::from(be32(&p, 8 + 4 * k)));
            }
            trunk = u64::from(be32(&p, 0));
        }
        free
    }

    /// The pages of the tree rooted at `root` (table or index) that can be read, and
    /// whether a page of it could not be.
    pub(super) fn tree(&self, root: u64) -> (HashSet<u64>, bool) {
        let mut seen = HashSet::new();
        let mut broken = false;
        let mut todo = vec![root];
        while let Some(n) = todo.pop() {
            if n == 0 || n > self.count() || !seen.insert(n) {
                continue;
            }
            let Some(p) = self.page(n) else {
                seen.remove(&n);
                broken = true;
                continue;
            };
            let h = if n == 1 { 100 } else { 0 };
            if matches!(p[h], 0x05 | 0x02) {
                let cells = usize::from(be16(&p, h + 3));
                todo.push(u64::from(be32(&p, h + 8)));
                for k in 0..cells {
                    let at = usize::from(be16(&p, h + 12 + 2 * k));
                    if at + 4 <= USABLE {
                        todo.push(u64::from(be32(&p, at)));
                    }
                }
            }
        }
        (seen, broken)
    }

    /// The rows of page `n` if it is a table leaf; a row whose overflow chain cannot be read
    /// is left out.
    pub(super) fn table_leaf(&self, n: u64) -> Option<LeafRows> {
        let p = self.page(n)?;
        let h = if n == 1 { 100 } else { 0 };
        if p[h] != 0x0D {
            return None;
        }
        let cells = usize::from(be16(&p, h + 3));
        let mut rows = Vec::with_capacity(cells);
        for k in 0..cells {
            let at = usize::from(be16(&p, h + 8 + 2 * k));
            if let Some(row) = self.cell(&p, at) {
                rows.push(row);
            }
        }
        Some(rows)
    }

    /// The header field `user_version` (the schema version), from page 1.
    pub(super) fn schema_version(&self) -> i64 {
        self.page(1).map_or(0, |p| i64::from(be32(&p, 60)))
    }

    /// The records of page `n` if it is a page of an index tree (a `WITHOUT ROWID` table's
    /// rows live there, in leaf and interior cells alike).
    pub(super) fn index_cells(&self, n: u64) -> Option<Vec<Vec<Value>>> {
        let p = self.page(n)?;
        let h = if n == 1 { 100 } else { 0 };
        let (interior, array) = match p[h] {
            0x0A => (false, h + 8),
            0x02 => (true, h + 12),
            _ => return None,
        };
        let cells = usize::from(be16(&p, h + 3));
        let mut rows = Vec::with_capacity(cells);
        for k in 0..cells {
            let at = usize::from(be16(&p, array + 2 * k)) + if interior { 4 } else { 0 };
            let Some((size, a)) = varint(&p, at) else {
                continue;
            };
            let Ok(size) = usize::try_from(size) else {
                continue;
            };
            let x = (USABLE - 12) * 64 / 255 - 23;
            if let Some(v) = self.payload(&p, at + a, size, x).and_then(|b| record(&b)) {
                rows.push(v);
            }
        }
        Some(rows)
    }

    fn cell(&self, p: &[u8], at: usize) -> Option<(i64, Vec<Value>)> {
        let (size, a) = varint(p, at)?;
        let (rowid, b) = varint(p, at + a)?;
        let size = usize::try_from(size).ok()?;
        let payload = self.payload(p, at + a + b, size, USABLE - 35)?;
        Some((rowid, record(&payload)?))
    }

    /// A cell's payload of `size` bytes from `start`, `x` the most a page keeps locally
    /// (table leaves and index cells differ), the rest read from its overflow chain.
    fn payload(&self, p: &[u8], start: usize, size: usize, x: usize) -> Option<Vec<u8>> {
        // SQLite's split of a payload between the page and overflow pages.
        let m = (USABLE - 12) * 32 / 255 - 23;
        let local = if size <= x {
            size
        } else {
            let k = m + (size - m) % (USABLE - 4);
            if k <= x { k } else { m }
        };
        let mut payload = p.get(start..start + local)?.to_vec();
        if local < size {
            let mut next = u64::from(be32(p, start + local));
            let mut hops = 0;
            while payload.len() < size {
                hops += 1;
                if next == 0 || hops > self.count() {
                    return None;
                }
                let o = self.page(next)?;
                let want = (size - payload.len()).min(USABLE - 4);
                payload.extend_from_slice(&o[4..4 + want]);
                next = u64::from(be32(&o, 0));
            }
        }
        Some(payload)
    }
}

fn be16(p: &[u8], at: usize) -> u16 {
    p.get(at..at + 2)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(p: &[u8], at: usize) -> u32 {
    p.get(at..at + 4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// SQLite's varint at `at`: its value and length.
fn varint(p: &[u8], at: usize) -> Option<(i64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let b = *p.get(at + i)?;
        if i == 8 {
            v = (v << 8) | u64::from(b);
            return Some((i64::from_ne_bytes(v.to_ne_bytes()), 9));
        }
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some((i64::from_ne_bytes(v.to_ne_bytes()), i + 1));
        }
    }
    None
}

/// A record's values.
fn record(r: &[u8]) -> Option<Vec<Value>> {
    let (hlen, n) = varint(r, 0)?;
    let hlen = usize::try_from(hlen).ok()?;
    let mut types = Vec::new();
    let mut at = n;
    while at < hlen {
        let (t, n) = varint(r, at)?;
        types.push(t);
        at += n;
    }
    let mut body = hlen;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let int = |len: usize, body: usize| -> Option<i64> {
            let b = r.get(body..body + len)?;
            let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
            for x in b {
                v = (v << 8) | i64::from(*x);
            }
            Some(v)
        };
        let (v, len) = match t {
            0 => (Value::Null, 0),
            1..=4 => {
                let len = usize::try_from(t).ok()?;
                (Value::Integer(int(len, body)?), len)
            }
            5 => (Value::Integer(int(6, body)?), 6),
            6 => (Value::Integer(int(8, body)?), 8),
            7 => {
                let b = r.get(body..body + 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                (Value::Real(f64::from_be_bytes(a)), 8)
            }
            8 => (Value::Integer(0), 0),
            9 => (Value::Integer(1), 0),
            t if t >= 12 && t % 2 == 0 => {
                let len = usize::try_from((t - 12) / 2).ok()?;
                (Value::Blob(r.get(body..body + len)?.to_vec()), len)
            }
            t if t >= 13 => {
                let len = usize::try_from((t - 13) / 2).ok()?;
                let s = std::str::from_utf8(r.get(body..body + len)?).ok()?;
                (Value::Text(s.to_string()), len)
            }
            _ => return None,
        };
        out.push(v);
        body += len;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn varints_and_records_read_as_sqlite_writes_them() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        // Header of 4 bytes: NULL, a 1-byte int, text of 2 bytes; then -2 and "hi".
        let r = [4u8, 0, 1, 17, 0xfe, b'h', b'i'];
        assert_eq!(
            record(&r).unwrap(),
            vec![Value::Null, Value::Integer(-2), Value::Text("hi".into())]
        );
    }

    #[test]
    fn pages_of_a_real_journal_decrypt_and_a_flipped_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.db");
        let key = DbKey::generate().unwrap();
        let mut c = crate::store::open_connection(&path, &key, true).unwrap();
        crate::store::migrate(&mut c).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        drop(c);
        let pages = Pages::open(&path, &key).unwrap();
        let first = pages.page(1).unwrap();
        assert_eq!(&first[..16], b"SQLite format 3\0");
        assert_eq!(
            be16(&first, 16),
            4096,
            "the page size, as SQLite's header says"
        );
        assert_eq!(first[20], 80, "SQLCipher's reserve per page");
        assert!(pages.page(2).is_some());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[4096 + 100] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let pages = Pages::open(&path, &key).unwrap();
        assert!(pages.page(2).is_none(), "its HMAC fails");
        assert!(pages.page(1).is_some());
    }
}
