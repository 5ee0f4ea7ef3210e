//! The progress workbook: 汇总 (totals, by college, by level) and 明细 (one row per counselor).

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::domain::phone::mask;
use crate::domain::time;
use crate::error::AppError;
use crate::service::tasks::progress::{CounselorRow, GroupRow, Progress};

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(time::date_minute).unwrap_or_default()
}

fn level_label(code: &str) -> String {
    crate::domain::education::EducationLevel::parse(code)
        .map(|l| l.label().to_string())
        .unwrap_or_else(|_| code.to_string())
}

pub fn workbook(progress: &Progress, rows: &[CounselorRow]) -> Result<Vec<u8>, AppError> {
    build(progress, rows).map_err(|e| AppError::internal(format!("xlsx: {e}")))
}

/// The chase list: the counselors not done with the task `title`, one sheet.
pub fn pending_workbook(title: &str, rows: &[CounselorRow]) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        write_detail(sheet, "未完成", rows, &bold)?;
        let note = rows.len() as u32 + 2;
        sheet.write(note, 0, format!("任务：{title}"))?;
        book.save_to_buffer()
    };
    build().map_err(|e| AppError::internal(format!("xlsx: {e}")))
}

fn build(progress: &Progress, rows: &[CounselorRow]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    write_summary(book.add_worksheet(), progress, &bold)?;
    write_detail(book.add_worksheet(), "明细", rows, &bold)?;
    book.save_to_buffer()
}

/// 汇总: the totals, then the counts per college and per education level.
fn write_summary(
    summary: &mut Worksheet,
    progress: &Progress,
    bold: &Format,
) -> Result<(), XlsxError> {
    let t = &progress.totals;

    summary.set_name("汇总")?;
    summary.set_column_width(0, 24)?;
    summary.write_with_format(0, 0, "任务", bold)?;
    summary.write(0, 1, progress.task.title.as_str())?;
    summary.write_with_format(1, 0, "截止时间", bold)?;
    summary.write(1, 1, when(Some(progress.task.deadline)))?;
    let totals: [(&str, i64); 7] = [
        ("派发人数", t.assigned),
        ("已查看", t.viewed),
        ("已完成", t.completed),
        ("已签到", t.signed_in),
        ("已办结", t.done),
        ("未办结", t.pending()),
        ("未绑定公众号", t.not_bound),
    ];
    for (i, (label, value)) in totals.iter().enumerate() {
        let row = 3 + i as u32;
        summary.write_with_format(row, 0, *label, bold)?;
        summary.write(row, 1, *value as f64)?;
    }
    let mut row = 3 + totals.len() as u32 + 1;
    let mut group =
        |title: &str, groups: &[GroupRow], level: bool, row: &mut u32| -> Result<(), XlsxError> {
            summary.write_with_format(*row, 0, title, bold)?;
            for (col, header) in ["派发", "已查看", "已完成", "已办结", "未办结"]
                .iter()
                .enumerate()
            {
                summary.write_with_format(*row, 1 + col as u16, *header, bold)?;
            }
            *row += 1;
            for g in groups {
                let name = if level {
                    level_label(&g.name)
                } else {
                    g.name.clone()
                };
                summary.write(*row, 0, name)?;
                for (col, value) in [
                    g.assigned,
                    g.viewed,
                    g.completed,
                    g.done,
                    g.assigned - g.done,
                ]
                .iter()
                .enumerate()
                {
                    summary.write(*row, 1 + col as u16, *value as f64)?;
                }
                *row += 1;
            }
            *row += 1;
            Ok(())
        };
    group("按院系", &progress.by_college, false, &mut row)?;
    group("按学历层次", &progress.by_level, true, &mut row)?;
    Ok(())
}

/// 明细: one row per counselor reached.
/// One row per counselor: 明细 of the progress workbook, or the chase list on its own.
fn write_detail(
    detail: &mut Worksheet,
    name: &str,
    rows: &[CounselorRow],
    bold: &Format,
) -> Result<(), XlsxError> {
    detail.set_name(name)?;
    let headers = [
        "姓名",
        "院系",
        "学历层次",
        "手机号",
        "绑定公众号",
        "关注公众号",
        "查看时间",
        "完成时间",
        "签到时间",
        "办结时间",
    ];
    for (col, header) in headers.iter().enumerate() {
        detail.write_with_format(0, col as u16, *header, bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        let bound = r.bound();
        let levels: Vec<&str> = r.education_levels().iter().map(|l| l.label()).collect();
        detail.write(row, 0, r.name.as_str())?;
        detail.write(row, 1, r.college.as_str())?;
        detail.write(row, 2, levels.join("、"))?;
        detail.write(row, 3, r.phone.as_deref().map(mask).unwrap_or_default())?;
        detail.write(row, 4, if bound { "是" } else { "否" })?;
        detail.write(
            row,
            5,
            match (bound, r.following) {
                (false, _) => "—",
                (true, Some(true)) => "是",
                (true, _) => "否",
            },
        )?;
        detail.write(row, 6, when(r.viewed_at))?;
        detail.write(row, 7, when(r.completed_at))?;
        detail.write(row, 8, when(r.signed_in_at))?;
        detail.write(row, 9, when(r.done_at))?;
    }
    detail.autofit();
    Ok(())
}
