//! Task attachments: what may be attached, decided by the content, never by the name alone.

use super::Invalid;

/// The kinds of file a task may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Doc,
    Docx,
    Xls,
    Xlsx,
    Png,
    Jpeg,
    Gif,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Doc => "application/msword",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xls => "application/vnd.ms-excel",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
        }
    }

    /// Extensions a name may have for this content; the first is the one added when a name
    /// has none.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &["pdf"],
            Self::Doc => &["doc"],
            Self::Docx => &["docx"],
            Self::Xls => &["xls"],
            Self::Xlsx => &["xlsx"],
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Gif => &["gif"],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Doc | Self::Docx => "Word",
            Self::Xls | Self::Xlsx => "Excel",
            Self::Png | Self::Jpeg | Self::Gif => "图片",
        }
    }
}

const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

fn utf16(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Word and Excel 97–2003 files are OLE2 compound files; the directory names the main stream.
fn ole_kind(bytes: &[u8]) -> Option<FileKind> {
    if contains(bytes, &utf16("WordDocument")) {
        Some(FileKind::Doc)
    } else if contains(bytes, &utf16("Workbook")) || contains(bytes, &utf16("Book")) {
        Some(FileKind::Xls)
    } else {
        None
    }
}

/// Office Open XML files are ZIPs whose entries say which application made them.
fn zip_kind(bytes: &[u8]) -> Option<FileKind> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    // An entry whose name cannot be read says nothing of the application.
    let names: Vec<_> = archive.file_names().flatten().collect();
    let has = |wanted: &str| names.iter().any(|name| name == wanted);
    if has("word/document.xml") {
        Some(FileKind::Docx)
    } else if has("xl/workbook.xml") {
        Some(FileKind::Xlsx)
    } else {
        None
    }
}

/// What the bytes are, if they are something a task may carry.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(FileKind::Gif)
    } else if bytes.starts_with(OLE2) {
        ole_kind(bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        zip_kind(bytes)
    } else {
        None
    }
}

/// An attachment accepted: its name (with the extension its content calls for) and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedFile {
    pub filename: String,
    pub kind: FileKind,
}

/// Keep the last path segment, drop control characters, bound the length.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.chars().count() > 100 {
        let (stem, ext) = match cleaned.rsplit_once('.') {
            Some((stem, ext)) if ext.len() <= 5 => (stem.to_string(), format!(".{ext}")),
            _ => (cleaned.clone(), String::new()),
        };
        stem.chars().take(90).collect::<String>() + &ext
    } else {
        cleaned
    }
}

/// Accept an upload: the content must be PDF, Word, Excel or an image, and a name's
/// extension must agree with the content.
pub fn accept(name: &str, bytes: &[u8], limit_bytes: u64) -> Result<AcceptedFile, Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::new("file", "文件是空的"));
    }
    if bytes.len() as u64 > limit_bytes {
        return Err(Invalid::new(
            "file",
            format!("附件不能超过 {} MB", limit_bytes / (1024 * 1024)),
        ));
    }
    let kind = sniff(bytes).ok_or_else(|| {
        Invalid::new(
            "file",
            "只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件",
        )
    })?;
    let mut filename = clean_name(name);
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension {
        Some(ext) if kind.extensions().contains(&ext.as_str()) => {}
        Some(ext)
            if !ext.is_empty()
                && ext.len() <= 5
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            return Err(Invalid::new(
                "file",
                format!(
                    "文件内容是 {}（.{}），与扩展名 .{ext} 不符",
                    kind.label(),
                    kind.extensions()[0]
                ),
            ));
        }
        _ => {
            if filename.is_empty() {
                filename = "附件".to_string();
            }
            filename = format!("{filename}.{}", kind.extensions()[0]);
        }
    }
    Ok(AcceptedFile { filename, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn zip_with(entry: &str) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        if entry == "xl/workbook.xml" {
            book.add_worksheet();
            return book.save_to_buffer().unwrap();
        }
        // A minimal ZIP holding one stored entry.
        let mut out = Vec::new();
        let name = entry.as_bytes();
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name);
        let central = out.len() as u32;
        out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(name);
        let size = out.len() as u32 - central;
        out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&central.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn ole_with(stream: &str) -> Vec<u8> {
        let mut bytes = OLE2.to_vec();
        bytes.extend_from_slice(&[0; 100]);
        bytes.extend(utf16(stream));
        bytes
    }

    #[test]
    fn the_content_decides_the_kind() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileKind::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0...."), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"GIF89a...."), Some(FileKind::Gif));
        assert_eq!(sniff(&ole_with("WordDocument")), Some(FileKind::Doc));
        assert_eq!(sniff(&ole_with("Workbook")), Some(FileKind::Xls));
        assert_eq!(sniff(&zip_with("word/document.xml")), Some(FileKind::Docx));
        assert_eq!(sniff(&zip_with("xl/workbook.xml")), Some(FileKind::Xlsx));
        assert_eq!(sniff(&zip_with("payload.exe")), None);
        assert_eq!(sniff(b"MZ\x90\x00 a windows program"), None);
        assert_eq!(sniff(b"<html><script>"), None);
    }

    #[test]
    fn a_name_must_agree_with_the_content() {
        let pdf = b"%PDF-1.4 body";
        assert_eq!(
            accept("通知.pdf", pdf, MIB).unwrap(),
            AcceptedFile {
                filename: "通知.pdf".into(),
                kind: FileKind::Pdf
            }
        );
        assert_eq!(accept("通知.PDF", pdf, MIB).unwrap().filename, "通知.PDF");
        let lying = accept("名单.xlsx", pdf, MIB).unwrap_err();
        assert!(lying.message.contains("与扩展名 .xlsx 不符"), "{lying}");
        assert_eq!(accept("通知", pdf, MIB).unwrap().filename, "通知.pdf");
        assert_eq!(accept("", pdf, MIB).unwrap().filename, "附件.pdf");
        assert_eq!(
            accept("../../etc/通知.pdf", pdf, MIB).unwrap().filename,
            "通知.pdf"
        );
        assert_eq!(
            accept("photo.jpeg", b"\xFF\xD8\xFF\xE0", MIB).unwrap().kind,
            FileKind::Jpeg
        );
        assert!(accept("run.exe", b"MZ\x90\x00", MIB).is_err());
        assert!(accept("big.pdf", pdf, 4)
            .unwrap_err()
            .message
            .contains("不能超过"));
        assert!(accept("empty.pdf", b"", MIB).is_err());
    }
}
