//! Employment statistics: a counselor's own figures and an admin's scope. Aggregates only.

use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::employment::{employer_type_label, province_name};
use crate::http::auth::actor;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::employment_stats::{self, group_label, Figures, Slice, Statistics};

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
pub struct StatisticsView {
    /// null when there is no data yet.
    pub cohort: Option<i32>,
    /// The code table applied (2021 or 2024 grouping).
    pub scheme: Option<i32>,
    pub total: FiguresView,
    /// Counselors and colleges: by major; universities: by college; provinces: by university;
    /// the nation: by province.
    pub breakdown: Vec<FiguresView>,
    pub by_education_level: Vec<FiguresView>,
    /// Placed graduates by destination province, industry (GB/T 4754) and employer type.
    pub by_region: Vec<CodeCount>,
    pub by_industry: Vec<CodeCount>,
    pub by_employer_type: Vec<CodeCount>,
}

impl StatisticsView {
    fn new(stats: &Statistics) -> Self {
        Self {
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
            by_industry: stats
                .by_industry
                .iter()
                .map(|(code, count)| CodeCount {
                    code: code.clone(),
                    label: code.clone(),
                    count: *count,
                })
                .collect(),
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
