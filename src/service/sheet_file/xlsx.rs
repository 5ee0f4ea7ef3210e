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

fn attribute<'a>(start: &'a BytesStart<'_>, local: &[u8]) -> Option<Cow<'a, [u8]>> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value)
}

fn attribute_text(start: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    let value = attribute(start, local)?;
    let text = std::str::from_utf8(&value).ok()?;
    quick_xml::escape::unescape(text).ok().map(Cow::into_owned)
}

fn reference(r: &BytesRef<'_>) -> Result<char, Invalid> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten().ok_or_else(unreadable_sheet);
    }
    let name: &[u8] = r;
    match name {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        _ => Err(unreadable_sheet()),
    }
}

/// The zip path of the workbook's first sheet, as `xl/workbook.xml` and its relationships say.
fn first_sheet_path(archive: &mut Archive<'_>) -> Result<String, Invalid> {
    let id = archive
        .with_entry("xl/workbook.xml", |entry| {
            let mut reader = xml(entry);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_event_into(&mut buf) {
                    Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"sheet" => {
                        return Ok(attribute_text(&e, b"id"));
                    }
                    Ok(Event::Eof) => return Ok(None),
                    Err(_) => return Err(unreadable()),
                    Ok(_) => {}
                }
            }
        })?
        .flatten()
        .ok_or_else(|| invalid("Excel 文件中没有工作表"))?;
    let target = archive
        .with_entry("xl/_rels/workbook.xml.rels", |entry| {
            let mut reader = xml(entry);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_event_into(&mut buf) {
                    Ok(Event::Start(e) | Event::Empty(e))
                        if e.local_name().as_ref() == b"Relationship"
                            && attribute_text(&e, b"Id").as_deref() == Some(id.as_str()) =>
                    {
                        return Ok(attribute_text(&e, b"Target"));
                    }
                    Ok(Event::Eof) => return Ok(None),
                    Err(_) => return Err(unreadable()),
                    Ok(_) => {}
                }
            }
        })?
        .flatten()
        .ok_or_else(|| invalid("Excel 文件中没有工作表"))?;
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
        match reader.read_event_into(buf).map_err(|_| unreadable_sheet())? {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    b"t" => in_t = true,
                    b"rPh" => in_phonetic += 1,
                    _ => {}
                }
            }
            Event::End(e) => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
                match e.local_name().as_ref() {
                    b"t" => in_t = false,
                    b"rPh" => in_phonetic = in_phonetic.saturating_sub(1),
                    _ => {}
                }
            }
            Event::Text(t) if in_t && in_phonetic == 0 => {
                out.push_str(&t.xml10_content().map_err(|_| unreadable_sheet())?);
            }
            Event::CData(t) if in_t && in_phonetic == 0 => {
                out.push_str(&t.xml10_content().map_err(|_| unreadable_sheet())?);
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
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"si" => {
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
                Ok(Event::Empty(e)) if e.local_name().as_ref() == b"si" => {
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
    kind: Option<Vec<u8>>,
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
            Some(b"s") => {
                if raw.trim().is_empty() {
                    return Ok(String::new());
                }
                let index = raw.trim().parse::<usize>().map_err(|_| unreadable_sheet())?;
                self.strings
                    .get(index)
                    .ok_or_else(unreadable_sheet)?
                    .trim()
                    .to_string()
            }
            Some(b"b") => match raw.trim() {
                "" => String::new(),
                "0" => "false".into(),
                _ => "true".into(),
            },
            Some(b"n") => {
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
    // Where the next cell without an `r` goes.
    let mut row = 0usize;
    let mut next_column = 0usize;
    let mut cell: Option<Cell> = None;
    let mut in_value = false;
    let cap = MAX_CELL_CHARS * 4;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|_| unreadable_sheet())?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == b"row" => {
                row = match attribute(e, b"r") {
                    Some(r) => row_number(r.trim_ascii()).ok_or_else(unreadable_sheet)?,
                    None => row + 1,
                };
                if row > EXCEL_MAX_ROW {
                    return Err(unreadable_sheet());
                }
                next_column = 0;
            }
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == b"c" => {
                let (column, at_row) = match attribute(e, b"r") {
                    Some(r) => cell_reference(r.trim_ascii()).ok_or_else(unreadable_sheet)?,
                    None => (next_column, row.max(1)),
                };
                if column >= MAX_COLUMNS {
                    return Err(too_many_columns(at_row));
                }
                next_column = column + 1;
                let opened = Cell {
                    row: at_row,
                    column,
                    kind: attribute(e, b"t").map(Cow::into_owned),
                    raw: String::new(),
                };
                if matches!(event, Event::Start(_)) {
                    cell = Some(opened);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == b"c" => {
                if let Some(done) = cell.take() {
                    sheet.store(done)?;
                }
            }
            Event::Start(ref e) if e.local_name().as_ref() == b"v" => in_value = cell.is_some(),
            Event::End(ref e) if e.local_name().as_ref() == b"v" => in_value = false,
            Event::Start(ref e) if e.local_name().as_ref() == b"is" => {
                if let Some(open) = cell.as_mut() {
                    let at = open.row;
                    string_item(reader, &mut item_buf, &mut open.raw, cap, &|| {
                        super::cell_too_long(at)
                    })?;
                }
            }
            Event::Start(ref e) if e.local_name().as_ref() == b"f" => {
                // The formula's source is not data; its cached result is in `<v>`.
                let end = e.to_end().into_owned();
                reader
                    .read_to_end_into(end.name(), &mut item_buf)
                    .map_err(|_| unreadable_sheet())?;
                item_buf.clear();
            }
            Event::Text(ref t) if in_value => {
                if let Some(open) = cell.as_mut() {
                    let text = t.xml10_content().map_err(|_| unreadable_sheet())?;
                    open.raw.push_str(&text);
                }
            }
            Event::CData(ref t) if in_value => {
                if let Some(open) = cell.as_mut() {
                    let text = t.xml10_content().map_err(|_| unreadable_sheet())?;
                    open.raw.push_str(&text);
                }
            }
            Event::GeneralRef(ref r) if in_value => {
                if let Some(open) = cell.as_mut() {
                    open.raw.push(reference(r)?);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == b"sheetData" => break,
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
