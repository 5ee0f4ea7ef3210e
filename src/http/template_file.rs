//! Downloadable templates: one sheet with the headers to fill in.

use salvo::prelude::*;

use crate::error::AppError;
use crate::http::error::{ApiError, ApiResult};

/// Answer with an XLSX workbook holding one sheet named `sheet` with `headers` in bold.
pub fn send(
    res: &mut Response,
    sheet_name: &str,
    headers: &[&str],
    filename: &str,
) -> ApiResult<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError(AppError::internal(format!("xlsx: {e}")));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.set_name(sheet_name).map_err(fail)?;
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_with_format(0, col as u16, *header, &bold)
            .map_err(fail)?;
        sheet.set_column_width(col as u16, 16).map_err(fail)?;
    }
    let bytes = book.save_to_buffer().map_err(fail)?;
    crate::http::xlsx_reply::send(res, bytes, filename)
}
