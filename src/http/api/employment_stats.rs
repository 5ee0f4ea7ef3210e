//! Employment statistics: a counselor's own figures and an admin's scope. Aggregates only.

use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::employment::{employer_type_label, industry_section, province_name};
use crate::domain::org::OrgKind;
use crate::http::auth::actor;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::employment::stats::{
    self as employment_stats, group_label, Figures, Slice, Statistics,
};

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct StatsQuery {
    /// 届别, e.g. 2027; the latest cohort with data when absent.
    pub cohort: Option<i32>,
    /// Admins: a unit inside their scope (default: their own).
    pub unit_id: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupCount {
    /// contract | flexible | startup | unit | freelance | further_study | seeking | not_seeking
    pub key: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresView {
    pub key: String,
    pub label: String,
    pub graduates: u64,
    /// Placed (落实): every group except 待就业 and 暂不就业.
    pub placed: u64,
    /// 去向落实率, percent.
    pub rate_percent: f64,
    pub groups: Vec<GroupCount>,
}

impl FiguresView {
    fn new(key: &str, label: &str, figures: &Figures) -> Self {
        Self {
            key: key.to_string(),
            label: label.to_string(),
            graduates: figures.graduates,
            placed: figures.placed,
            rate_percent: figures.rate(),
            groups: figures
                .groups
                .iter()
                .map(|(key, count)| GroupCount {
                    key: key.clone(),
                    label: group_label(key).to_string(),
                    count: *count,
                })
                .collect(),
        }
    }

    fn slice(slice: &Slice) -> Self {
        Self::new(&slice.key, &slice.label, &slice.figures)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeCount {
    pub code: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsView {
    /// Whose figures: the counselor's college, or the admin's unit (or the one asked for).
    pub unit: Option<UnitView>,
    /// What the breakdown lists: major | college | university | province.
    pub breakdown_kind: String,
    /// Cohorts with data in this scope, newest first.
    pub cohorts: Vec<i32>,
    /// null when there is no data yet.
    pub cohort: Option<i32>,
    /// The code table applied (2021 or 2024 grouping).
    pub scheme: Option<i32>,
    pub total: FiguresView,
    /// Counselors and colleges: by major; universities: by college; provinces: by university;
    /// the nation: by province.
    pub breakdown: Vec<FiguresView>,
    pub by_education_level: Vec<FiguresView>,
    /// Placed graduates by destination province, industry section (GB/T 4754 门类, code = the
    /// section letter) and employer type.
    pub by_region: Vec<CodeCount>,
    pub by_industry: Vec<CodeCount>,
    pub by_employer_type: Vec<CodeCount>,
}

impl StatisticsView {
    fn new(stats: &Statistics) -> Self {
        Self {
            unit: stats.unit.as_ref().map(|u| UnitView {
                id: u.id,
                kind: u.kind,
                name: u.name.clone(),
            }),
            breakdown_kind: stats.breakdown_kind.as_str().to_string(),
            cohorts: stats.cohorts.clone(),
            cohort: stats.cohort,
            scheme: stats.scheme,
            total: FiguresView::new("total", "合计", &stats.total),
            breakdown: stats.breakdown.iter().map(FiguresView::slice).collect(),
            by_education_level: stats.by_level.iter().map(FiguresView::slice).collect(),
            by_region: stats
                .by_region
                .iter()
                .map(|(code, count)| CodeCount {
                    label: province_name(&code[..2.min(code.len())]).to_string(),
                    code: code.clone(),
                    count: *count,
                })
                .collect(),
            by_industry: industry_sections(&stats.by_industry),
            by_employer_type: stats
                .by_employer_type
                .iter()
                .map(|(code, count)| CodeCount {
                    label: employer_type_label(code).to_string(),
                    code: code.clone(),
                    count: *count,
                })
                .collect(),
        }
    }
}

/// Placed graduates per GB/T 4754 section (门类), largest first: divisions are too many to chart.
fn industry_sections(by_code: &[(String, u64)]) -> Vec<CodeCount> {
    let mut sections: Vec<CodeCount> = Vec::new();
    for (code, count) in by_code {
        let (letter, label) = industry_section(code).unwrap_or(("", "其他"));
        match sections.iter_mut().find(|s| s.code == letter) {
            Some(section) => section.count += count,
            None => sections.push(CodeCount {
                code: letter.to_string(),
                label: label.to_string(),
                count: *count,
            }),
        }
    }
    sections.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
    sections
}

/// A counselor's graduates: their college × education levels × majors.
#[endpoint(tags("employment"))]
pub async fn mine(query: StatsQuery, depot: &mut Depot) -> ApiResult<Json<StatisticsView>> {
    let state = AppState::from_depot(depot)?;
    let stats =
        employment_stats::for_counselor(&state.services, actor(depot)?, query.cohort).await?;
    Ok(Json(StatisticsView::new(&stats)))
}

/// An admin's scope (or a unit inside it), broken down by the level below.
#[endpoint(tags("employment"))]
pub async fn scope(query: StatsQuery, depot: &mut Depot) -> ApiResult<Json<StatisticsView>> {
    let state = AppState::from_depot(depot)?;
    let stats =
        employment_stats::for_admin(&state.services, actor(depot)?, query.unit_id, query.cohort)
            .await?;
    Ok(Json(StatisticsView::new(&stats)))
}

/// The scope's statistics as an Excel workbook: totals, the breakdown, levels, destinations.
#[endpoint(tags("employment"), responses((status_code = 200, description = "XLSX workbook")))]
pub async fn export(query: StatsQuery, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let stats =
        employment_stats::for_admin(&state.services, actor(depot)?, query.unit_id, query.cohort)
            .await?;
    let bytes = workbook(&StatisticsView::new(&stats))
        .map_err(|e| crate::error::AppError::internal(format!("xlsx: {e}")))?;
    crate::http::xlsx_reply::send(res, bytes, "employment-stats.xlsx")
}

/// Every group label across the rows, in first-seen order: the workbook's group columns.
fn group_columns(rows: &[&FiguresView]) -> Vec<(String, String)> {
    let mut columns: Vec<(String, String)> = Vec::new();
    for row in rows {
        for group in &row.groups {
            if !columns.iter().any(|(key, _)| *key == group.key) {
                columns.push((group.key.clone(), group.label.clone()));
            }
        }
    }
    columns
}

fn figures_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    name: &str,
    first: &str,
    rows: &[&FiguresView],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let columns = group_columns(rows);
    let mut headers = vec![
        first.to_string(),
        "毕业生".into(),
        "已落实".into(),
        "去向落实率(%)".into(),
    ];
    headers.extend(columns.iter().map(|(_, label)| label.clone()));
    for (col, header) in headers.iter().enumerate() {
        sheet.write_with_format(0, col as u16, header.as_str(), &bold)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write(r, 0, row.label.as_str())?;
        sheet.write(r, 1, row.graduates as f64)?;
        sheet.write(r, 2, row.placed as f64)?;
        sheet.write(r, 3, row.rate_percent)?;
        for (c, (key, _)) in columns.iter().enumerate() {
            let n = row
                .groups
                .iter()
                .find(|g| g.key == *key)
                .map(|g| g.count)
                .unwrap_or(0);
            sheet.write(r, 4 + c as u16, n as f64)?;
        }
    }
    sheet.autofit();
    Ok(())
}

fn workbook(view: &StatisticsView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut rows: Vec<&FiguresView> = vec![&view.total];
    rows.extend(view.breakdown.iter());
    let title = view
        .cohort
        .map(|c| format!("{c}届"))
        .unwrap_or_else(|| "暂无数据".into());
    figures_sheet(&mut book, "汇总", &title, &rows)?;
    let levels: Vec<&FiguresView> = view.by_education_level.iter().collect();
    figures_sheet(&mut book, "学历层次", "学历层次", &levels)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("去向")?;
    let mut row = 0u32;
    for (title, list) in [
        ("就业地区", &view.by_region),
        ("单位行业", &view.by_industry),
        ("单位性质", &view.by_employer_type),
    ] {
        sheet.write_with_format(row, 0, title, &bold)?;
        sheet.write_with_format(row, 1, "代码", &bold)?;
        sheet.write_with_format(row, 2, "已落实人数", &bold)?;
        row += 1;
        for item in list {
            sheet.write(row, 0, item.label.as_str())?;
            sheet.write(row, 1, item.code.as_str())?;
            sheet.write(row, 2, item.count as f64)?;
            row += 1;
        }
        row += 1;
    }
    book.save_to_buffer()
}
