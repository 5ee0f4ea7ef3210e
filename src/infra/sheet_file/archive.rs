//! The zip inside an XLSX, read entry by entry within a budget of inflated bytes: an entry's
//! declared size is checked before it is opened, and the bytes it really inflates to are
//! counted as they come (declared sizes lie), so a zip bomb stops at the cap.

use std::io::{self, Cursor, Read};

use zip::ZipArchive;

use super::{invalid, MAX_ENTRY_BYTES, MAX_INFLATED_BYTES};
use crate::domain::Invalid;

/// An XLSX has a dozen entries, a few hundred with pictures; more is not a workbook.
const MAX_ENTRIES: usize = 10_000;

pub(super) fn too_large() -> Invalid {
    invalid(format!(
        "Excel 文件解压后过大（每个部分上限 {} MB，合计上限 {} MB），请删除无关内容或拆分文件",
        MAX_ENTRY_BYTES >> 20,
        MAX_INFLATED_BYTES >> 20
    ))
}

pub(super) fn unreadable() -> Invalid {
    invalid("无法读取该 Excel 文件，请另存为 .xlsx 后重试")
}

pub(super) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Inflated bytes read so far, over all entries.
    spent: u64,
}

/// Reads at most `limit` bytes from `inner`; past it, an error and `exceeded` set, so the
/// caller can tell a bomb from a broken file.
pub(super) struct Capped<R> {
    inner: R,
    limit: u64,
    read: u64,
    exceeded: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.exceeded {
            return Err(io::Error::other("inflated size over the cap"));
        }
        // One byte past the limit tells "exactly at the cap" from "over it".
        let room = self.limit.saturating_sub(self.read).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        if self.read > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("inflated size over the cap"));
        }
        Ok(n)
    }
}

impl<'a> Archive<'a> {
    pub(super) fn open(bytes: &'a [u8]) -> Result<Self, Invalid> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
        if zip.len() > MAX_ENTRIES {
            return Err(unreadable());
        }
        Ok(Self { zip, spent: 0 })
    }

    /// The entry's index; names in a workbook's parts are matched without case, as Excel does.
    fn find(&self, name: &str) -> Option<usize> {
        self.zip.index_for_name(name).or_else(|| {
            let found = self
                .zip
                .file_names()
                .flatten()
                .find(|candidate| candidate.eq_ignore_ascii_case(name))?;
            self.zip.index_for_name(&found)
        })
    }

    /// Runs `read` over the inflated bytes of entry `name` (`None` when there is no such
    /// entry). A read that runs past the budget ends in the size error, whatever `read` made
    /// of the cut-off stream.
    pub(super) fn with_entry<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut dyn Read) -> Result<T, Invalid>,
    ) -> Result<Option<T>, Invalid> {
        let Some(index) = self.find(name) else {
            return Ok(None);
        };
        let limit = MAX_ENTRY_BYTES.min(MAX_INFLATED_BYTES.saturating_sub(self.spent));
        let entry = self.zip.by_index(index).map_err(|_| unreadable())?;
        if entry.size() > limit {
            return Err(too_large());
        }
        let mut capped = Capped {
            inner: entry,
            limit,
            read: 0,
            exceeded: false,
        };
        let result = read(&mut capped);
        self.spent += capped.read;
        if capped.exceeded {
            return Err(too_large());
        }
        result.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_real_bytes_and_allows_exactly_the_limit() {
        let data = [b'x'; 100];
        let mut at_cap = Capped {
            inner: &data[..],
            limit: 100,
            read: 0,
            exceeded: false,
        };
        let mut sink = Vec::new();
        assert_eq!(at_cap.read_to_end(&mut sink).unwrap(), 100);
        assert!(!at_cap.exceeded);
        let mut over = Capped {
            inner: &data[..],
            limit: 99,
            read: 0,
            exceeded: false,
        };
        assert!(over.read_to_end(&mut Vec::new()).is_err());
        assert!(over.exceeded);
        assert!(over.read <= 100);
    }
}
