//! The hostile XLSX files, built with the zip crate (a spreadsheet writer would refuse to make
//! them, or take minutes).

use std::io::{Cursor, Write};
use std::sync::OnceLock;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// A workbook whose sheet XML comes from `write_sheet`, streamed into the zip.
fn workbook(write_sheet: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", RELS),
    ] {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(body.as_bytes()).expect("zip write");
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .expect("zip entry");
    write_sheet(&mut zip);
    zip.finish().expect("zip").into_inner()
}

/// Two cells, A1 and XFD1048576: a range reader allocates the whole sheet between them
/// (16,384 × 1,048,576 cells, 512 GiB).
pub fn far_cell() -> Vec<u8> {
    workbook(|out| {
        write!(
            out,
            r#"{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
        )
        .expect("sheet");
    })
}

/// 10 million tiny cells (200,000 rows of 50, within the row and column limits): about
/// 160 MB of XML in well under a MB of zip.
pub fn ten_million_cells() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        workbook(|out| {
            out.write_all(SHEET_START.as_bytes()).expect("sheet");
            out.write_all(b"<sheetData>").expect("sheet");
            let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(50));
            for _ in 0..200_000 {
                out.write_all(row.as_bytes()).expect("sheet");
            }
            out.write_all(b"</sheetData></worksheet>").expect("sheet");
        })
    })
}

/// `file` with the uncompressed size of its sheet rewritten to 1 KB in both the local and the
/// central header: a reader that trusts declared sizes inflates all of it.
pub fn declaring_a_small_sheet(file: &[u8]) -> Vec<u8> {
    let mut file = file.to_vec();
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for at in 0..file.len().saturating_sub(46) {
        let (len_at, name_at, size_at) = match &file[at..at + 4] {
            b"PK\x03\x04" => (at + 26, at + 30, at + 22),
            b"PK\x01\x02" => (at + 28, at + 46, at + 24),
            _ => continue,
        };
        let len = usize::from(u16::from_le_bytes([file[len_at], file[len_at + 1]]));
        if file.get(name_at..name_at + len) == Some(&name[..]) {
            file[size_at..size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the sheet's local and central header");
    file
}
