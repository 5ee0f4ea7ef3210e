//! The accounts workbook: one row per account the admin's filter selects. Phones are masked
//! as in every list (the file leaves the system); a username that is the phone number is not
//! printed beside the mask, which would undo it.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::phone::mask;
use crate::domain::time;
use crate::error::AppError;
use crate::service::accounts::AccountDetail;

const HEADERS: [(&str, f64); 13] = [
    ("姓名", 10.0),
    ("用户名", 16.0),
    ("角色", 12.0),
    ("所属单位", 24.0),
    ("届别", 8.0),
    ("学历层次", 14.0),
    ("负责专业", 36.0),
    ("手机号", 14.0),
    ("绑定公众号", 10.0),
    ("关注公众号", 10.0),
    ("状态", 8.0),
    ("已锁定", 8.0),
    ("创建时间", 18.0),
];

pub fn workbook(rows: &[AccountDetail]) -> Result<Vec<u8>, AppError> {
    build(rows).map_err(|e| AppError::internal(format!("xlsx: {e}")))
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "是"
    } else {
        "否"
    }
}

/// The login name as the admin may see it beside a masked phone.
fn shown_username(detail: &AccountDetail) -> String {
    let account = &detail.account;
    match account.phone.as_deref() {
        Some(phone) if phone == account.username => "（手机号）".to_string(),
        _ => account.username.clone(),
    }
}

fn build(rows: &[AccountDetail]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("账号")?;
    let bold = Format::new().set_bold();
    for (col, (header, width)) in HEADERS.iter().enumerate() {
        sheet.write_with_format(0, col as u16, *header, &bold)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    for (i, detail) in rows.iter().enumerate() {
        let at = i as u32 + 1;
        let account = &detail.account;
        let levels: Vec<&str> = detail.levels.iter().map(|l| l.label()).collect();
        let majors: Vec<&str> = detail.majors.iter().map(|m| m.name.as_str()).collect();
        let cells: [String; 13] = [
            account.name.clone(),
            shown_username(detail),
            detail.role.label().to_string(),
            detail.unit.name.clone(),
            account.cohort.map(|c| c.to_string()).unwrap_or_default(),
            levels.join("、"),
            majors.join("、"),
            account.phone.as_deref().map(mask).unwrap_or_default(),
            yes_no(detail.wechat.bound).to_string(),
            match detail.wechat.following {
                Some(following) => yes_no(following).to_string(),
                None => String::new(),
            },
            if account.disabled { "停用" } else { "启用" }.to_string(),
            yes_no(account.locked_at.is_some()).to_string(),
            time::date_minute(account.created_at),
        ];
        for (col, cell) in cells.iter().enumerate() {
            sheet.write(at, col as u16, cell.as_str())?;
        }
    }
    book.save_to_buffer()
}
