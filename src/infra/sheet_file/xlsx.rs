//! The first sheet of an XLSX, streamed: workbook → its relationships → shared strings → the
//! sheet's cells, one event at a time. Nothing is sized from the file's `<dimension>`, row or
//! column numbers: a cell far away is refused by its column, not allocated towards.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::archive::{unreadable, Archive};
use super::{
    invalid, too_many_columns, Rows, SheetRow, MAX_CELL_CHARS, MAX_COLUMNS, MAX_SHARED_STRINGS,
    MAX_SHARED_TEXT_BYTES,
};
use crate::domain::Invalid;

/// Rows Excel can address; a number past it is not a sheet Excel wrote.
const EXCEL_MAX_ROW: usize = 1_048_576;

fn unreadable_sheet() -> Invalid {
    invalid("无法读取 Excel 的第一个工作表")
}

fn xml<R: Read>(inner: R) -> Reader<BufReader<R>> {
    Reader::from_reader(BufReader::new(inner))
}

fn attribute<'a>(start: &'a BytesStart<'_>, local: &str) -> Option<Cow<'a, str>> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value)
}

fn attribute_text(start: &BytesStart<'_>, local: &str) -> Option<String> {
    let value = attribute(start, local)?;
    quick_xml::escape::unescape(&value)
        .ok()
        .map(Cow::into_owned)
}

fn reference(r: &BytesRef<'_>) -> Result<char, Invalid> {
    if r.is_char_ref() {
        return r
            .resolve_char_ref()
            .ok()
            .flatten()
            .ok_or_else(unreadable_sheet);
    }
    match r.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(unreadable_sheet()),
    }
}

/// An attribute of the first element of a small XML entry that `wanted` picks, if any.
fn first_attribute(
    entry: &mut dyn Read,
    wanted: impl Fn(&BytesStart<'_>) -> bool,
    name: &str,
) -> Result<Option<String>, Invalid> {
    let mut reader = xml(entry);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if wanted(&e) => {
                return Ok(attribute_text(&e, name));
            }
            Ok(Event::Eof) => return Ok(None),
            Err(_) => return Err(unreadable()),
            Ok(_) => {}
        }
    }
}

/// The zip path of the workbook's first sheet, as `xl/workbook.xml` and its relationships say.
fn first_sheet_path(archive: &mut Archive<'_>) -> Result<String, Invalid> {
    let no_sheet = || invalid("Excel 文件中没有工作表");
    let id = archive
        .with_entry("xl/workbook.xml", |entry| {
            first_attribute(entry, |e| e.local_name().as_ref() == "sheet", "id")
        })?
        .flatten()
        .ok_or_else(no_sheet)?;
    let target = archive
        .with_entry("xl/_rels/workbook.xml.rels", |entry| {
            first_attribute(
                entry,
                |e| {
                    e.local_name().as_ref() == "Relationship"
                        && attribute_text(e, "Id").as_deref() == Some(id.as_str())
                },
                "Target",
            )
        })?
        .flatten()
        .ok_or_else(no_sheet)?;
    Ok(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// The shared-string table in one buffer: a million short strings cost their text and four
/// bytes each, not a heap allocation each.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] as usize,
        };
        self.text.get(start..end)
    }
}

fn too_many_shared() -> Invalid {
    invalid(format!(
        "Excel 文件中的文本过多（最多 {MAX_SHARED_STRINGS} 条、{} MB），请拆分文件",
        MAX_SHARED_TEXT_BYTES >> 20
    ))
}

/// Text of a string item (`<si>` or `<is>`): its `<t>` pieces, also inside rich-text runs,
/// without the phonetic guide (`<rPh>`) Excel keeps for East Asian text. Consumes through the
/// item's end tag; stops as soon as `out` would pass `cap` bytes.
fn string_item<R: BufRead>(
    reader: &mut Reader<R>,
    buf: &mut Vec<u8>,
    out: &mut String,
    cap: usize,
    too_long: &dyn Fn() -> Invalid,
) -> Result<(), Invalid> {
    let mut depth = 0usize;
    let mut in_t = false;
    let mut in_phonetic = 0usize;
    loop {
        buf.clear();
        match reader
            .read_event_into(buf)
            .map_err(|_| unreadable_sheet())?
        {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    "t" => in_t = true,
                    "rPh" => in_phonetic += 1,
                    _ => {}
                }
            }
            Event::End(e) => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
                match e.local_name().as_ref() {
                    "t" => in_t = false,
                    "rPh" => in_phonetic = in_phonetic.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Text(t) if in_t && in_phonetic == 0 => {
                out.push_str(&t.xml10_content());
            }
            Event::CData(t) if in_t && in_phonetic == 0 => {
                out.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_t && in_phonetic == 0 => out.push(reference(&r)?),
            Event::Eof => return Err(unreadable_sheet()),
            _ => {}
        }
        if out.len() > cap {
            return Err(too_long());
        }
    }
}

fn shared_strings(archive: &mut Archive<'_>) -> Result<SharedStrings, Invalid> {
    let table = archive.with_entry("xl/sharedStrings.xml", |entry| {
        let mut reader = xml(entry);
        let mut buf = Vec::new();
        let mut item_buf = Vec::new();
        let mut table = SharedStrings::default();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                    if table.ends.len() >= MAX_SHARED_STRINGS {
                        return Err(too_many_shared());
                    }
                    // The cap is on the whole table: every item appends to the same buffer.
                    string_item(
                        &mut reader,
                        &mut item_buf,
                        &mut table.text,
                        MAX_SHARED_TEXT_BYTES,
                        &too_many_shared,
                    )?;
                    table.ends.push(table.text.len() as u32);
                }
                Ok(Event::Empty(e)) if e.local_name().as_ref() == "si" => {
                    if table.ends.len() >= MAX_SHARED_STRINGS {
                        return Err(too_many_shared());
                    }
                    table.ends.push(table.text.len() as u32);
                }
                Ok(Event::Eof) => return Ok(table),
                Err(_) => return Err(unreadable_sheet()),
                Ok(_) => {}
            }
        }
    })?;
    Ok(table.unwrap_or_default())
}

/// `B12` → (column 1, row 12), or `None` past Excel's own bounds or when malformed.
fn cell_reference(r: &[u8]) -> Option<(usize, usize)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = r[..letters].iter().fold(0usize, |acc, b| {
        acc * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = row_number(&r[letters..])?;
    Some((column - 1, row))
}

fn row_number(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = std::str::from_utf8(digits).ok()?.parse::<usize>().ok()?;
    (1..=EXCEL_MAX_ROW).contains(&n).then_some(n)
}

/// Cell text as a person typed it: 2027.0 → "2027", a long student number stays whole; dates
/// stay Excel serial numbers, as the importers expect.
fn number_text(raw: &str) -> Option<String> {
    let f = raw.trim().parse::<f64>().ok()?;
    Some(if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    })
}

/// The cell being read: where it is, its type, and the raw text of its value.
struct Cell {
    row: usize,
    column: usize,
    kind: Option<String>,
    raw: String,
}

/// The row being built, with absolute columns (A = 0); `Rows::push` stores it when done.
struct Building {
    number: usize,
    cells: Vec<String>,
}

struct SheetReader<'s> {
    strings: &'s SharedStrings,
    rows: Rows,
    current: Option<Building>,
    /// The leftmost column holding a value: the range starts there, as it did with calamine.
    first_column: usize,
}

impl SheetReader<'_> {
    fn finish_row(&mut self) -> Result<(), Invalid> {
        if let Some(row) = self.current.take() {
            self.rows.push(row.number, row.cells)?;
        }
        Ok(())
    }

    fn start_row(&mut self, number: usize) -> Result<(), Invalid> {
        if let Some(current) = &self.current {
            if current.number == number {
                return Ok(());
            }
            // Excel writes rows in order; going back would need the whole sheet in memory.
            if number < current.number {
                return Err(unreadable_sheet());
            }
        }
        self.finish_row()?;
        self.current = Some(Building {
            number,
            cells: Vec::new(),
        });
        Ok(())
    }

    fn value(&self, cell: &Cell) -> Result<String, Invalid> {
        let raw = cell.raw.as_str();
        Ok(match cell.kind.as_deref() {
            Some("s") => {
                if raw.trim().is_empty() {
                    return Ok(String::new());
                }
                let index = raw
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| unreadable_sheet())?;
                self.strings
                    .get(index)
                    .ok_or_else(unreadable_sheet)?
                    .trim()
                    .to_string()
            }
            Some("b") => match raw.trim() {
                "" => String::new(),
                "0" => "false".into(),
                _ => "true".into(),
            },
            Some("n") => {
                if raw.trim().is_empty() {
                    return Ok(String::new());
                }
                number_text(raw).ok_or_else(unreadable_sheet)?
            }
            None => number_text(raw).unwrap_or_else(|| raw.trim().to_string()),
            // Inline strings, formula strings, ISO dates and error values: their text.
            Some(_) => raw.trim().to_string(),
        })
    }

    fn store(&mut self, cell: Cell) -> Result<(), Invalid> {
        if cell.raw.is_empty() {
            return Ok(());
        }
        let text = self.value(&cell)?;
        self.first_column = self.first_column.min(cell.column);
        self.start_row(cell.row)?;
        self.rows.spend_text(cell.row, &text)?;
        let Some(current) = self.current.as_mut() else {
            return Err(unreadable_sheet());
        };
        if current.cells.len() <= cell.column {
            // Bounded: the column was checked against MAX_COLUMNS when the cell opened.
            current.cells.resize(cell.column + 1, String::new());
        }
        current.cells[cell.column] = text;
        Ok(())
    }

    fn into_rows(mut self) -> Result<Vec<SheetRow>, Invalid> {
        self.finish_row()?;
        let shift = self.first_column;
        let mut rows = self.rows.rows;
        if shift > 0 {
            for row in &mut rows {
                row.cells.drain(..shift.min(row.cells.len()));
            }
        }
        Ok(rows)
    }
}

/// Where the reader stands in `<sheetData>`: the current row, and the column a cell without an
/// `r` attribute takes.
#[derive(Default)]
struct Position {
    row: usize,
    next_column: usize,
}

impl Position {
    fn row_start(&mut self, e: &BytesStart<'_>) -> Result<(), Invalid> {
        self.row = match attribute(e, "r") {
            Some(r) => row_number(r.trim_ascii().as_bytes()).ok_or_else(unreadable_sheet)?,
            None => self.row + 1,
        };
        if self.row > EXCEL_MAX_ROW {
            return Err(unreadable_sheet());
        }
        self.next_column = 0;
        Ok(())
    }

    fn cell_start(&mut self, e: &BytesStart<'_>) -> Result<Cell, Invalid> {
        let (column, at_row) = match attribute(e, "r") {
            Some(r) => cell_reference(r.trim_ascii().as_bytes()).ok_or_else(unreadable_sheet)?,
            None => (self.next_column, self.row.max(1)),
        };
        if column >= MAX_COLUMNS {
            return Err(too_many_columns(at_row));
        }
        self.next_column = column + 1;
        Ok(Cell {
            row: at_row,
            column,
            kind: attribute(e, "t").map(Cow::into_owned),
            raw: String::new(),
        })
    }
}

/// Text inside a cell's `<v>`, added to the open cell.
fn append(cell: &mut Option<Cell>, text: &str) {
    if let Some(open) = cell.as_mut() {
        open.raw.push_str(text);
    }
}

fn sheet<R: BufRead>(
    reader: &mut Reader<R>,
    strings: &SharedStrings,
) -> Result<Vec<SheetRow>, Invalid> {
    let mut sheet = SheetReader {
        strings,
        rows: Rows::default(),
        current: None,
        first_column: usize::MAX,
    };
    let mut buf = Vec::new();
    let mut item_buf = Vec::new();
    let mut position = Position::default();
    let mut cell: Option<Cell> = None;
    let mut in_value = false;
    let cap = MAX_CELL_CHARS * 4;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| unreadable_sheet())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "row" => {
                position.row_start(e)?;
            }
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "c" => {
                let opened = position.cell_start(e)?;
                if matches!(event, Event::Start(_)) {
                    cell = Some(opened);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == "c" => {
                if let Some(done) = cell.take() {
                    sheet.store(done)?;
                }
            }
            Event::Start(ref e) if e.local_name().as_ref() == "v" => in_value = cell.is_some(),
            Event::End(ref e) if e.local_name().as_ref() == "v" => in_value = false,
            Event::Start(ref e) if e.local_name().as_ref() == "is" => {
                if let Some(open) = cell.as_mut() {
                    let at = open.row;
                    string_item(reader, &mut item_buf, &mut open.raw, cap, &|| {
                        super::cell_too_long(at)
                    })?;
                }
            }
            Event::Start(ref e) if e.local_name().as_ref() == "f" => {
                // The formula's source is not data; its cached result is in `<v>`.
                let end = e.to_end().into_owned();
                reader
                    .read_to_end_into(end.name(), &mut item_buf)
                    .map_err(|_| unreadable_sheet())?;
                item_buf.clear();
            }
            Event::Text(ref t) if in_value => append(&mut cell, &t.xml10_content()),
            Event::CData(ref t) if in_value => append(&mut cell, &t.xml10_content()),
            Event::GeneralRef(ref r) if in_value => {
                if let Some(open) = cell.as_mut() {
                    open.raw.push(reference(r)?);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == "sheetData" => break,
            Event::Eof => break,
            _ => {}
        }
        if let Some(open) = &cell {
            if open.raw.len() > cap {
                return Err(super::cell_too_long(open.row));
            }
        }
    }
    sheet.into_rows()
}

pub(super) fn read(bytes: &[u8]) -> Result<Vec<SheetRow>, Invalid> {
    let mut archive = Archive::open(bytes)?;
    let path = first_sheet_path(&mut archive)?;
    let strings = shared_strings(&mut archive)?;
    archive
        .with_entry(&path, |entry| sheet(&mut xml(entry), &strings))?
        .ok_or_else(|| invalid("Excel 文件中没有工作表"))
}

/// `sheet_data` as the inside of the first sheet of a minimal workbook, stored uncompressed:
/// what the fuzzer needs to reach the sheet parser. `None` only if the zip cannot be written.
pub(super) fn wrap_sheet(sheet_data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    const WORKBOOK: &str =
        r#"<workbook xmlns:r="r"><sheets><sheet r:id="rId1"/></sheets></workbook>"#;
    const RELS: &str = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
    const SHARED: &str =
        r#"<sst><si><t>姓名</t></si><si><r><t>届</t></r><r><t>别</t></r></si></sst>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
        ("xl/sharedStrings.xml", SHARED.as_bytes()),
    ] {
        zip.start_file(name, options).ok()?;
        zip.write_all(body).ok()?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).ok()?;
    zip.write_all(b"<worksheet><sheetData>").ok()?;
    zip.write_all(sheet_data).ok()?;
    zip.write_all(b"</sheetData></worksheet>").ok()?;
    Some(zip.finish().ok()?.into_inner())
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::{Cursor, Write};

    use super::*;
    use crate::infra::sheet_file::{read_rows, MAX_ENTRY_BYTES};

    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;

    /// A workbook whose first sheet is `sheet_data` (the inside of `<sheetData>`), with a
    /// decoy second sheet and an optional shared-string table.
    pub(crate) fn book(sheet_data: &str, shared: Option<&str>) -> Vec<u8> {
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        let decoy = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>decoy</t></is></c></row></sheetData></worksheet>"#;
        let mut parts = vec![
            ("xl/workbook.xml", WORKBOOK.to_string()),
            ("xl/_rels/workbook.xml.rels", RELS.to_string()),
            ("xl/worksheets/sheet1.xml", decoy.to_string()),
            ("xl/worksheets/sheet2.xml", sheet),
        ];
        if let Some(shared) = shared {
            parts.push(("xl/sharedStrings.xml", format!("<sst>{shared}</sst>")));
        }
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn cells(rows: &[SheetRow]) -> Vec<(usize, Vec<&str>)> {
        rows.iter()
            .map(|r| (r.number, r.cells.iter().map(String::as_str).collect()))
            .collect()
    }

    /// What the import read through calamine before: the range from the first used cell,
    /// trimmed text, whole numbers without ".0"; rows ragged at their last filled cell.
    fn as_calamine_read(bytes: &[u8]) -> Vec<SheetRow> {
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let first = range.start().map(|(row, _)| row as usize).unwrap_or(0);
        let text = |cell: &Data| match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            other => other.to_string().trim().to_string(),
        };
        range
            .rows()
            .enumerate()
            .map(|(i, row)| {
                let mut cells: Vec<String> = row.iter().map(text).collect();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                SheetRow {
                    number: first + i + 1,
                    cells,
                }
            })
            .filter(|row| !row.cells.is_empty())
            .collect()
    }

    #[test]
    fn reads_what_excel_writes_as_calamine_read_it() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let red = Format::new().set_font_color("#FF0000");
        // Column A stays empty: the rows start at B, as the range did.
        for (col, header) in ["学号", "姓名", "届别", "日期", "分数", "在校", "合计"]
            .iter()
            .enumerate()
        {
            sheet.write(0, col as u16 + 1, *header).unwrap();
        }
        sheet.write(1, 1, "  202312345678901234 ").unwrap();
        sheet
            .write_rich_string(1, 2, &[(&red, "张"), (&Format::default(), "三")])
            .unwrap();
        sheet.write(1, 3, 2027).unwrap();
        sheet
            .write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2027, 6, 30).unwrap(), &date)
            .unwrap();
        sheet.write(1, 5, 3.25).unwrap();
        sheet.write_boolean(1, 6, true).unwrap();
        sheet
            .write_formula(1, 7, Formula::new("=D2+1").set_result("2028"))
            .unwrap();
        sheet.write(3, 1, 123456789012345_f64).unwrap();
        sheet.write(3, 3, "   ").unwrap();
        sheet.write(4, 2, "A&B <x> \"q\"").unwrap();
        sheet.write(5, 1, 1e20).unwrap();
        sheet.write(5, 2, -0.5).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let ours = read_rows(&bytes).unwrap();
        assert_eq!(ours, as_calamine_read(&bytes));
        assert_eq!(
            cells(&ours)[..2],
            [
                (
                    1,
                    vec!["学号", "姓名", "届别", "日期", "分数", "在校", "合计"]
                ),
                (
                    2,
                    vec![
                        "202312345678901234",
                        "张三",
                        "2027",
                        "46568",
                        "3.25",
                        "true",
                        "2028"
                    ]
                ),
            ]
        );
    }

    #[test]
    fn inline_strings_references_phonetics_and_cells_without_addresses() {
        let bytes = book(
            concat!(
                r#"<row r="2"><c r="B2" t="inlineStr"><is><t>学号</t></is></c><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>"#,
                r#"<row r="3"><c r="B3" t="str"><f>A1</f><v> x &amp; y </v></c><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="d"><v>2027-06-30T00:00:00</v></c></row>"#,
                r#"<row r="4"><c r="D4" s="3"/><c r="B4"><v>2027.0</v></c></row>"#,
                r#"<row><c r="B5"><v>7</v></c><c t="b"><v>0</v></c></row>"#,
                r#"<row r="9"><c r="B9" t="inlineStr"><is><r><t>王</t></r><r><t xml:space="preserve"> 五</t></r><rPh><t>おう</t></rPh></is></c><c r="C9" t="n"><v>1e3</v></c></row>"#,
            ),
            Some(
                r#"<si><t>姓名</t><rPh sb="0" eb="1"><t>セイメイ</t></rPh></si><si><r><t>届</t></r><r><t>别&#x41;</t></r></si>"#,
            ),
        );
        let rows = read_rows(&bytes).unwrap();
        assert_eq!(
            cells(&rows),
            vec![
                (2, vec!["学号", "姓名", "届别A"]),
                (3, vec!["x & y", "#N/A", "2027-06-30T00:00:00"]),
                (4, vec!["2027"]),
                (5, vec!["7", "false"]),
                (9, vec!["王 五", "1000"]),
            ]
        );
    }

    fn refused(bytes: &[u8]) -> String {
        read_rows(bytes).unwrap_err().message
    }

    #[test]
    fn a_far_cell_is_refused_by_its_column_before_anything_is_sized_from_it() {
        let bytes = book(
            r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#,
            None,
        );
        assert!(refused(&bytes).contains("第 1048576 行超过 256 列"));
        // The last allowed column is fine; one more is not.
        let edge = book(
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="IV1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>"#,
            None,
        );
        assert_eq!(read_rows(&edge).unwrap()[0].cells.len(), 256);
        let past = book(r#"<row r="1"><c r="IW1"><v>2</v></c></row>"#, None);
        assert!(refused(&past).contains("256 列"));
        // Cells without an address count their columns too.
        let wide = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(257));
        assert!(refused(&book(&wide, None)).contains("256 列"));
        // Rows past Excel's own last row, and malformed addresses, are not a sheet.
        for bad in [
            r#"<row r="1048577"><c><v>1</v></c></row>"#,
            r#"<row r="1"><c r="AAAA1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A0"><v>1</v></c></row>"#,
            r#"<row r="5"><c r="A5"><v>1</v></c></row><row r="4"><c r="A4"><v>1</v></c></row>"#,
        ] {
            assert_eq!(refused(&book(bad, None)), "无法读取 Excel 的第一个工作表");
        }
    }

    #[test]
    fn rows_cells_and_text_stop_at_their_limits() {
        let mut many_rows = String::new();
        for _ in 0..=super::super::MAX_ROWS + 1 {
            many_rows.push_str("<row><c><v>1</v></c></row>");
        }
        assert!(refused(&book(&many_rows, None)).contains("一次最多导入 200000 行"));
        // Header + MAX_ROWS is the most there may be.
        let mut at_limit = String::new();
        for _ in 0..=super::super::MAX_ROWS {
            at_limit.push_str("<row><c><v>1</v></c></row>");
        }
        assert_eq!(read_rows(&book(&at_limit, None)).unwrap().len(), 200_001);
        // Blanks between filled cells count: a row of A and IV costs 256 cells.
        let sparse: String = (1..=4_000)
            .map(|n| format!(r#"<row><c r="A{n}"><v>1</v></c><c r="IV{n}"><v>1</v></c></row>"#))
            .collect();
        assert!(refused(&book(&sparse, None)).contains("单元格过多"));
        let long = format!(
            r#"<row r="3"><c r="A3" t="inlineStr"><is><t>{}</t></is></c></row>"#,
            "长".repeat(super::super::MAX_CELL_CHARS + 1)
        );
        assert!(refused(&book(&long, None)).contains("第 3 行有单元格超过 32767 个字符"));
        let shared = "<si><t>x</t></si>".repeat(super::super::MAX_SHARED_STRINGS + 1);
        assert!(refused(&book("", Some(&shared))).contains("文本过多"));
        // One long shared string repeated in every cell: the text kept is what counts.
        let big = format!("<si><t>{}</t></si>", "x".repeat(30_000));
        let rows = r#"<row><c t="s"><v>0</v></c></row>"#.repeat(1_200);
        assert!(refused(&book(&rows, Some(&big))).contains("文字过多"));
    }

    /// Rewrites the uncompressed size `name` declares, in its local and central headers.
    fn declare_size(zip: &mut [u8], name: &str, size: u32) {
        let mut patched = 0;
        for at in 0..zip.len().saturating_sub(46) {
            let (len_at, name_at, size_at) = match &zip[at..at + 4] {
                b"PK\x03\x04" => (at + 26, at + 30, at + 22),
                b"PK\x01\x02" => (at + 28, at + 46, at + 24),
                _ => continue,
            };
            let len = usize::from(u16::from_le_bytes([zip[len_at], zip[len_at + 1]]));
            if zip.get(name_at..name_at + len) == Some(name.as_bytes()) {
                zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "local and central header of {name}");
    }

    #[test]
    fn an_entry_too_large_is_refused_by_its_declared_size_and_by_what_it_inflates_to() {
        // Elements the reader skips, so only the inflated size can stop it.
        let skipped = format!("<x a=\"{}\"/>", "a".repeat(4_000));
        let filler = skipped.repeat(MAX_ENTRY_BYTES as usize / skipped.len() + 10);
        let honest = book(&filler, None);
        assert!(honest.len() < 1 << 20);
        assert!(refused(&honest).contains("解压后过大"));
        let mut lying = honest.clone();
        declare_size(&mut lying, "xl/worksheets/sheet2.xml", 1_000);
        // An entry that inflates past what its headers declare is cut at the declared size by
        // the ZIP reader and fails as a damaged sheet; the budget on inflated bytes stays as a
        // second guard.
        assert_eq!(refused(&lying), "无法读取 Excel 的第一个工作表");
        // Under the cap, the same skipped elements are harmless.
        let fine = book(
            &format!(
                "{}<row><c><v>1</v></c></row><row><c><v>2</v></c></row>",
                "<x/>".repeat(1_000)
            ),
            None,
        );
        assert_eq!(read_rows(&fine).unwrap().len(), 2);
    }

    #[test]
    fn broken_workbooks_are_refused_with_a_file_error() {
        assert_eq!(
            refused(b"PK\x03\x04not a zip"),
            "无法读取该 Excel 文件，请另存为 .xlsx 后重试"
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/other.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<x/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(refused(&bytes), "Excel 文件中没有工作表");
        let dangling = book(
            r#"<row><c t="s"><v>5</v></c></row>"#,
            Some("<si><t>a</t></si>"),
        );
        assert_eq!(refused(&dangling), "无法读取 Excel 的第一个工作表");
        let unknown_entity = book(r#"<row><c t="str"><v>&xxe;</v></c></row>"#, None);
        assert_eq!(refused(&unknown_entity), "无法读取 Excel 的第一个工作表");
    }
}
