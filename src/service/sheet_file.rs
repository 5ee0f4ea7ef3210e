//! Spreadsheets in: XLSX (first sheet) or CSV in UTF-8 (with or without BOM) or GBK, as schools'
//! systems and Excel in China save them. Out: rows of trimmed cell text.

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

fn xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, Invalid> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| invalid("无法读取该 Excel 文件，请另存为 .xlsx 后重试"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| invalid("Excel 文件中没有工作表"))?
        .map_err(|_| invalid("无法读取 Excel 的第一个工作表"))?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, Invalid> {
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| invalid(format!("CSV 格式错误：{e}")))?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

/// The rows of a file, header first; blank rows dropped.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, Invalid> {
    if bytes.is_empty() {
        return Err(invalid("文件是空的"));
    }
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else {
        csv(bytes)?
    };
    rows.retain(|row| row.iter().any(|cell| !cell.is_empty()));
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
            vec!["学号".to_string(), "姓名".into()],
            vec!["2023001".into(), "张三".into()],
        ];
        assert_eq!(read_rows(&gbk).unwrap(), expected);
        assert_eq!(read_rows(&bom).unwrap(), expected);
        assert!(read_rows(b"").is_err());
        assert!(read_rows("学号,姓名\n".as_bytes()).is_err());
    }
}
