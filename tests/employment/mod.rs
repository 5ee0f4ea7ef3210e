//! The employment data report: dry run vs commit, idempotent re-import, GBK CSV, XLSX, scope.

mod catalog;
mod import;
mod stats;

use crate::helpers::{Reply, TestApp};

pub const HEADER: &str =
    "学号,姓名,院系,专业,学历层次,届别,毕业去向代码,单位性质代码,单位行业代码,就业地区代码";

impl TestApp {
    /// Upload a report as the body, as the mini program and scripts do.
    pub async fn upload(&self, token: &str, bytes: Vec<u8>, dry_run: bool) -> Reply {
        self.upload_body(
            &format!("/api/v1/employment/imports?dry_run={dry_run}&filename=report.csv"),
            token,
            bytes,
        )
        .await
    }
}

/// A CSV report: the header and the given lines.
pub fn csv(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.into_bytes()
}

/// The 2027 graduates of university A used across these tests: college 计算机学院 (software
/// engineering bachelors, one CS master) and 外国语学院.
pub fn cohort_2027() -> Vec<u8> {
    csv(&[
        "2023001,张一,计算机学院,软件工程,本科,2027,10,31,34,320100",
        "2023002,张二,计算机学院,软件工程,本科,2027,11,39,34,310000",
        "2023003,张三,计算机学院,软件工程,本科,2027,75,,,",
        "2023004,张四,计算机学院,软件工程,本科,2027,80,,,",
        "2023005,张五,计算机学院,软件工程,本科,2027,70,,,",
        "2023006,张六,计算机学院,计算机科学与技术,硕士研究生,2027,12,21,83,320100",
        "2023101,李一,外国语学院,英语,本科,2027,85,,,",
        "2023102,李二,外国语学院,英语,本科,2027,71,,,",
    ])
}
