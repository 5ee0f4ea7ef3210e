//! Spreadsheets in: XLSX (first sheet) or CSV in UTF-8 (with or without BOM) or GBK, as schools'
//! systems and Excel in China save them. Out: rows of trimmed cell text, each with the row
//! number the person sees in Excel, so errors point at the right line even past blank rows.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::domain::Invalid;

const MAX_ROWS: usize = 200_000;

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid::new("file", message)
}

/// Cell text as a person typed it: 2027.0 → "2027", a long student number stays whole.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string().trim().to_string(),
    }
}

/// One row of a sheet: its number as Excel shows it (1 = the first line), and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<String>,
}

fn xlsx(bytes: &[u8]) -> Result<Vec<SheetRow>, Invalid> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| invalid("无法读取该 Excel 文件，请另存为 .xlsx 后重试"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| invalid("Excel 文件中没有工作表"))?
        .map_err(|_| invalid("无法读取 Excel 的第一个工作表"))?;
    // The range starts at the first used cell, not necessarily at row 1.
    let first = range.start().map(|(row, _)| row as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| SheetRow {
            number: first + i + 1,
            cells: row.iter().map(cell_text).collect(),
        })
        .collect())
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
    // Windows line ends as plain ones: the reader's line numbers count CRLF wrongly.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(format!("CSV 格式错误：{e}")))?;
        // The reader skips empty lines; the record's own line number stays true.
        let number = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(i + 1);
        rows.push(SheetRow {
            number,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

/// The rows of a file, header first; blank rows dropped (the others keep their numbers).
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SheetRow>, Invalid> {
    if bytes.is_empty() {
        return Err(invalid("文件是空的"));
    }
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else {
        csv(bytes)?
    };
    rows.retain(|row| row.cells.iter().any(|cell| !cell.is_empty()));
    if rows.len() < 2 {
        return Err(invalid("文件中没有数据行"));
    }
    if rows.len() > MAX_ROWS + 1 {
        return Err(invalid(format!("一次最多导入 {MAX_ROWS} 行，请拆分文件")));
    }
    Ok(rows)
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
}
