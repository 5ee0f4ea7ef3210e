//! Spreadsheets in: XLSX (first sheet) or CSV in UTF-8 (with or without BOM) or GBK, as schools'
//! systems and Excel in China save them. Out: rows of trimmed cell text, each with the row
//! number the person sees in Excel, so errors point at the right line even past blank rows.
//!
//! Uploads are hostile until read: a few KB of XLSX can declare a million-row sheet or inflate
//! to gigabytes. So nothing here is sized from what a file declares; the XLSX reader streams
//! (`xlsx`) over size-capped zip entries (`archive`), and every row, column, cell and byte kept
//! counts against the limits below before it is stored.

mod archive;
mod gate;
mod xlsx;

pub use gate::{ParseGate, ParsePermit};

use crate::domain::Invalid;

/// Data rows one import may hold (the header row comes on top).
pub const MAX_ROWS: usize = 200_000;
/// Columns a row may reach; an import needs a few dozen, Excel allows 16,384.
pub const MAX_COLUMNS: usize = 256;
/// Cells kept in all, blanks between filled cells of a row included: 100,000 graduates of ten
/// columns. Each kept cell costs a heap string, so this bounds what one parse holds (about
/// 60 MB of cells and `MAX_TEXT_BYTES` of text at worst).
pub const MAX_CELLS: usize = 1_000_000;
/// Excel's own limit on the text of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Text kept from all cells together, in bytes.
pub const MAX_TEXT_BYTES: usize = 32 << 20;
/// Bytes one zip entry of an XLSX may inflate to.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// Bytes all the entries read from one XLSX may inflate to together.
pub const MAX_INFLATED_BYTES: u64 = 96 << 20;
/// Entries in the shared-string table (`xl/sharedStrings.xml`).
pub const MAX_SHARED_STRINGS: usize = 1_000_000;
/// Text of the shared-string table, in bytes.
pub const MAX_SHARED_TEXT_BYTES: usize = 32 << 20;

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid::new("file", message)
}

fn too_many_rows() -> Invalid {
    invalid(format!("一次最多导入 {MAX_ROWS} 行，请拆分文件"))
}

fn too_many_columns(row: usize) -> Invalid {
    invalid(format!(
        "第 {row} 行超过 {MAX_COLUMNS} 列，请删除多余的列后重试"
    ))
}

fn cell_too_long(row: usize) -> Invalid {
    invalid(format!("第 {row} 行有单元格超过 {MAX_CELL_CHARS} 个字符"))
}

/// One row of a sheet: its number as Excel shows it (1 = the first line), and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<String>,
}

/// The rows read so far, and what they cost: every row goes through `push`, which drops blank
/// rows and refuses the one that would pass a limit, before it is stored.
#[derive(Default)]
struct Rows {
    rows: Vec<SheetRow>,
    cells: usize,
    text_bytes: usize,
}

impl Rows {
    /// Counts a cell's text as it is read, so a row of huge cells stops before it is whole.
    fn spend_text(&mut self, row: usize, text: &str) -> Result<(), Invalid> {
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(cell_too_long(row));
        }
        self.text_bytes += text.len();
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(invalid(format!(
                "文件中的文字过多（上限 {} MB），请拆分文件",
                MAX_TEXT_BYTES >> 20
            )));
        }
        Ok(())
    }

    fn push(&mut self, number: usize, mut cells: Vec<String>) -> Result<(), Invalid> {
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        if cells.len() > MAX_COLUMNS {
            return Err(too_many_columns(number));
        }
        if self.rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        self.cells += cells.len();
        if self.cells > MAX_CELLS {
            return Err(invalid(format!(
                "文件中的单元格过多（上限 {MAX_CELLS} 个），请拆分文件"
            )));
        }
        self.rows.push(SheetRow { number, cells });
        Ok(())
    }
}

fn csv(bytes: &[u8]) -> Result<Vec<SheetRow>, Invalid> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
            if had_errors {
                return Err(invalid(
                    "文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV",
                ));
            }
            text.into_owned()
        }
    };
    // Windows and old Mac line ends as plain ones: the reader's line numbers count CRLF
    // wrongly and a lone CR not at all, which would give rows the same number.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Rows::default();
    let mut record = csv::StringRecord::new();
    let mut i = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(invalid(format!("CSV 格式错误：{e}"))),
        }
        i += 1;
        // The reader skips empty lines but dates the record from before them; the empty lines
        // right at its position are the ones it skipped.
        let number = record.position().map_or(i, |p| {
            let skipped = usize::try_from(p.byte())
                .ok()
                .and_then(|at| text.as_bytes().get(at..))
                .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\n').count());
            p.line() as usize + skipped
        });
        // The record holds its fields in one buffer; only the filled part of a row becomes
        // separate strings, so a line of a million commas costs nothing.
        let width = (0..record.len())
            .rev()
            .find(|&i| record.get(i).is_some_and(|c| !c.trim().is_empty()))
            .map_or(0, |last| last + 1);
        if width > MAX_COLUMNS {
            return Err(too_many_columns(number));
        }
        let mut cells = Vec::with_capacity(width);
        for cell in record.iter().take(width) {
            let cell = cell.trim();
            rows.spend_text(number, cell)?;
            cells.push(cell.to_string());
        }
        rows.push(number, cells)?;
    }
    Ok(rows.rows)
}

/// The rows of a file, header first; blank rows dropped (the others keep their numbers).
/// Blocking and CPU-bound: servers call it through a [`ParsePermit`].
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SheetRow>, Invalid> {
    if bytes.is_empty() {
        return Err(invalid("文件是空的"));
    }
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        xlsx::read(bytes)?
    } else {
        csv(bytes)?
    };
    if rows.len() < 2 {
        return Err(invalid("文件中没有数据行"));
    }
    Ok(rows)
}

/// The fuzz entry point: arbitrary bytes as an upload (CSV, or a zip when they start like
/// one), and as the first sheet's XML inside an otherwise sound workbook, so the fuzzer reaches
/// the sheet parser without having to forge a zip. Must never panic, and whatever it returns
/// must keep the reader's promises.
pub fn fuzz_one(data: &[u8]) {
    check_promises(read_rows(data));
    if let Some(book) = xlsx::wrap_sheet(data) {
        check_promises(read_rows(&book));
    }
}

fn check_promises(read: Result<Vec<SheetRow>, Invalid>) {
    let Ok(rows) = read else { return };
    assert!(rows.len() >= 2 && rows.len() <= MAX_ROWS + 1);
    assert!(rows.windows(2).all(|w| w[0].number < w[1].number));
    assert!(rows.iter().map(|row| row.cells.len()).sum::<usize>() <= MAX_CELLS);
    for row in &rows {
        assert!(row.cells.len() <= MAX_COLUMNS);
        assert!(row.cells.iter().any(|cell| !cell.is_empty()));
        assert!(row.cells.iter().all(|cell| cell.trim() == cell));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_gbk_and_utf8_with_bom_read_the_same() {
        let text = "学号,姓名\n2023001,张三\n\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let expected = vec![
            SheetRow {
                number: 1,
                cells: vec!["学号".to_string(), "姓名".into()],
            },
            SheetRow {
                number: 2,
                cells: vec!["2023001".into(), "张三".into()],
            },
        ];
        assert_eq!(read_rows(&gbk).unwrap(), expected);
        assert_eq!(read_rows(&bom).unwrap(), expected);
        assert!(read_rows(b"").is_err());
        assert!(read_rows("学号,姓名\n".as_bytes()).is_err());
    }

    #[test]
    fn csv_rows_columns_and_cells_stop_at_their_limits() {
        // A line of a million commas is one filled cell, not a million strings.
        let mut commas = String::from("学号,姓名\n1");
        commas.push_str(&",".repeat(1_000_000));
        commas.push('\n');
        assert_eq!(read_rows(commas.as_bytes()).unwrap()[1].cells, vec!["1"]);
        let wide = format!("学号\n{}\n", vec!["x"; MAX_COLUMNS + 1].join(","));
        assert!(read_rows(wide.as_bytes())
            .unwrap_err()
            .message
            .contains("第 2 行超过 256 列"));
        let at_width = format!("学号\n{}\n", vec!["x"; MAX_COLUMNS].join(","));
        assert_eq!(read_rows(at_width.as_bytes()).unwrap()[1].cells.len(), 256);
        let tall = "学号\n".to_string() + &"1\n".repeat(MAX_ROWS + 1);
        assert!(read_rows(tall.as_bytes())
            .unwrap_err()
            .message
            .contains("一次最多导入 200000 行"));
        let cells = format!(
            "学号\n{}",
            format!("{}\n", vec!["1"; 200].join(",")).repeat(5_001)
        );
        assert!(read_rows(cells.as_bytes())
            .unwrap_err()
            .message
            .contains("单元格过多"));
        let long = format!("学号\n{}\n", "长".repeat(MAX_CELL_CHARS + 1));
        assert!(read_rows(long.as_bytes())
            .unwrap_err()
            .message
            .contains("超过 32767 个字符"));
    }

    #[test]
    fn rows_keep_their_numbers_past_blank_lines() {
        let csv = "学号,姓名\n1,甲\n\n,\n2,乙\n";
        let numbers: Vec<usize> = read_rows(csv.as_bytes())
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, vec![1, 2, 5]);
        let crlf = "学号,姓名\r\n1,甲\r\n2,乙\r\n";
        let numbers: Vec<usize> = read_rows(crlf.as_bytes())
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, vec![1, 2, 3]);
        // Excel for Mac ends lines with a lone CR.
        let cr = "学号,姓名\r1,甲\r\r2,乙\r";
        let numbers: Vec<usize> = read_rows(cr.as_bytes())
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, vec![1, 2, 4]);
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write(0, 0, "学号").unwrap();
        sheet.write(1, 0, "1").unwrap();
        sheet.write(3, 0, "2").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let numbers: Vec<usize> = read_rows(&bytes)
            .unwrap()
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(numbers, vec![1, 2, 4]);
    }

    /// Random bytes, and seeds (CSV in both encodings, XLSX from a spreadsheet writer, sheet
    /// XML) with bytes flipped, cut or repeated, through the fuzz entry point: the same harness
    /// `cargo fuzz` drives, so it cannot rot between fuzzing sessions.
    #[test]
    fn fuzz_harness_survives_random_and_mutated_input() {
        use rand::{RngExt, SeedableRng};
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write(0, 0, "学号").unwrap();
        sheet.write(0, 1, "姓名").unwrap();
        sheet.write(1, 0, 2023001).unwrap();
        sheet.write(1, 1, "张三").unwrap();
        let xlsx = book.save_to_buffer().unwrap();
        let (gbk, _, _) = encoding_rs::GBK.encode("学号,姓名\n2023001,张三\n");
        let seeds: Vec<Vec<u8>> = vec![
            "学号,姓名\r\n2023001,\"张 三\"\r\n\n,\n".as_bytes().to_vec(),
            gbk.into_owned(),
            xlsx,
            concat!(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>学号</t></is></c><c r="B1" t="s"><v>0</v></c></row>"#,
                r#"<row r="3"><c r="A3"><v>2023001</v></c><c r="C3" t="b"><v>1</v></c><c t="str"><f>A3</f><v>x&amp;y</v></c></row>"#,
            )
            .as_bytes()
            .to_vec(),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
        for round in 0..3_000 {
            let data = if round % 10 == 0 {
                (0..rng.random_range(0..600))
                    .map(|_| rng.random())
                    .collect()
            } else {
                let mut data = seeds[round % seeds.len()].clone();
                for _ in 0..rng.random_range(1..8) {
                    if data.is_empty() {
                        break;
                    }
                    let at = rng.random_range(0..data.len());
                    match rng.random_range(0..4) {
                        0 => data[at] = rng.random(),
                        1 => data.truncate(at),
                        2 => {
                            let end = (at + rng.random_range(1..40)).min(data.len());
                            let piece = data[at..end].to_vec();
                            data.splice(at..at, piece);
                        }
                        _ => {
                            data.remove(at);
                        }
                    }
                }
                data
            };
            fuzz_one(&data);
        }
    }
}
