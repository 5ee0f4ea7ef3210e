//! The one-time workbook of initial passwords from a bulk import.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use salvo::prelude::*;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::error::{ApiError, ApiResult};
use crate::service::accounts::handover::IssuedCredential;

const HEADERS: [&str; 7] = [
    "行号",
    "姓名",
    "用户名",
    "角色",
    "院系",
    "手机号",
    "初始密码",
];

fn role_label(role: &str) -> String {
    Role::parse(role)
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| role.to_string())
}

fn build(rows: &[IssuedCredential]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("初始密码")?;
    let bold = Format::new().set_bold();
    for (col, header) in HEADERS.iter().enumerate() {
        sheet.write_with_format(0, col as u16, *header, &bold)?;
        sheet.set_column_width(col as u16, if col == 4 { 24 } else { 14 })?;
    }
    for (i, row) in rows.iter().enumerate() {
        let at = i as u32 + 1;
        sheet.write(at, 0, row.row as f64)?;
        sheet.write(at, 1, row.name.as_str())?;
        sheet.write(at, 2, row.username.as_str())?;
        sheet.write(at, 3, role_label(&row.role))?;
        sheet.write(at, 4, row.college.as_str())?;
        sheet.write(at, 5, row.phone_masked.as_str())?;
        sheet.write(at, 6, row.password.as_str())?;
    }
    let note = rows.len() as u32 + 2;
    sheet.write(
        note,
        0,
        "请将初始密码逐一告知本人；首次登录须修改密码。本文件只能下载一次，请妥善保管，用后删除。",
    )?;
    book.save_to_buffer()
}

/// Answer with the workbook as an attachment.
pub fn send(res: &mut Response, rows: &[IssuedCredential]) -> ApiResult<()> {
    let bytes = build(rows).map_err(|e| ApiError(AppError::internal(format!("xlsx: {e}"))))?;
    crate::http::xlsx_reply::send(res, bytes, "initial-passwords.xlsx")
}
