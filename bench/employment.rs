//! Employment statistics over a national data set, and importing a large report.
//!
//! PostgreSQL only (the data set is generated with `generate_series`, not measured): N
//! graduates of the 2027 cohort (default 10 000 000) in 1 000 universities of 31 provinces, 20
//! colleges × 10 majors each, spread over the 毕业去向 codes, regions, industries and employer
//! types; the tallies are rebuilt with the product's own code, one university at a time. Then:
//! 1. a counselor's statistics (one college, bachelor, two majors), 20 runs;
//! 2. a university's statistics (by college and level), 20 runs;
//! 3. the nation's statistics (by province), 20 runs;
//! 4. a 50 000-row XLSX report imported (commit) into a university with no data yet.
//!
//! cargo run --release --example employment_bench -- postgres://postgres@127.0.0.1:5432/test [graduates]

use std::time::{Duration, Instant};

use chrono::Utc;
use fudao::config::{Secret, Settings};
use fudao::db::entities::{account_levels, account_majors, accounts, majors, org_units};
use fudao::domain::org::OrgPath;
use fudao::domain::role::Role;
use fudao::domain::scope::Actor;
use fudao::service::org::{self, NewUnit};
use fudao::service::{
    accounts::bootstrap, employment, employment::stats as employment_stats,
    employment::tallies as employment_tallies, RequestMeta,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Set,
};

const UNIVERSITIES: usize = 1_000;
const NO_LOGIN: &str = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$0000000000000000000000000000000000000000000";

fn actor(role: Role, unit: &org_units::Model, account_id: i32) -> Actor {
    Actor {
        account_id,
        username: "bench".into(),
        name: "bench".into(),
        role,
        org_unit_id: unit.id,
        org_path: OrgPath::from_db(unit.path.clone()),
    }
}

async fn time<F, Fut>(label: &str, runs: usize, f: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let mut times: Vec<Duration> = Vec::new();
    let mut graduates = 0;
    for _ in 0..runs {
        let started = Instant::now();
        graduates = f().await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{label}: {graduates} graduates, median {:.1} ms, max {:.1} ms ({runs} runs)",
        times[runs / 2].as_secs_f64() * 1000.0,
        times[runs - 1].as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = args
        .first()
        .cloned()
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into());
    let total: usize = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    let per_university = total / UNIVERSITIES;
    let admin = Database::connect(&server).await.expect("connect");
    admin
        .execute_unprepared("DROP DATABASE IF EXISTS fudao_bench_employment WITH (FORCE)")
        .await
        .expect("drop");
    admin
        .execute_unprepared("CREATE DATABASE fudao_bench_employment")
        .await
        .expect("create");
    let root_url = server
        .rsplit_once('/')
        .map(|(r, _)| r)
        .unwrap_or(&server)
        .to_string();
    let mut settings = Settings::defaults().expect("settings");
    settings.database.url = Secret::new(format!("{root_url}/fudao_bench_employment"));
    let services = fudao::app::services(&settings).await.expect("services");
    let db = services.db.clone();
    bootstrap::ensure_first_admin(&db)
        .await
        .expect("first admin");
    let root = org_units::Entity::find()
        .filter(org_units::Column::Kind.eq("ministry"))
        .one(&db)
        .await
        .expect("query")
        .expect("ministry");

    let seeding = Instant::now();
    let mut provinces = Vec::new();
    for p in 0..31 {
        let unit = NewUnit::parse(
            "province",
            &format!("省份{p}"),
            &format!("{:02}", 11 + p),
            root.id,
        )
        .expect("unit");
        provinces.push(
            org::insert_unit_unchecked(&db, &root, &unit)
                .await
                .expect("province"),
        );
    }
    let mut universities = Vec::new();
    for u in 0..=UNIVERSITIES {
        let province = &provinces[u % provinces.len()];
        let unit = NewUnit::parse(
            "university",
            &format!("大学{u}"),
            &format!("{:05}", 10_000 + u),
            province.id,
        )
        .expect("unit");
        universities.push(
            org::insert_unit_unchecked(&db, province, &unit)
                .await
                .expect("university"),
        );
    }
    // The last university stays empty for the import measurement.
    let target = universities.pop().expect("a spare university");
    for chunk in universities.chunks(50) {
        let ids: Vec<String> = chunk.iter().map(|u| u.id.to_string()).collect();
        let sql = format!(
            "INSERT INTO graduates (university_id, college_name, major_name, education_level, cohort, student_no, name, \
             destination_code, employer_type_code, industry_code, region_code, updated_at) \
             SELECT u, '学院' || (g % 20), '专业' || ((g / 20) % 10), \
             CASE WHEN g % 10 < 7 THEN 'bachelor' WHEN g % 10 < 9 THEN 'master' ELSE 'associate' END, 2027, 'S' || g, '学生', \
             (ARRAY['10','11','12','75','76','80','85','70','71','46','50','27'])[1 + (g * 7) % 12], \
             (ARRAY['31','32','39','10','21'])[1 + g % 5], (10 + g % 40)::text, \
             (ARRAY['110000','310000','320100','440300','510100','330100'])[1 + (g * 3) % 6], now() \
             FROM unnest(ARRAY[{}]) AS u CROSS JOIN generate_series(1, {per_university}) AS g",
            ids.join(",")
        );
        db.execute_unprepared(&sql).await.expect("seed graduates");
    }
    db.execute_unprepared("ANALYZE graduates")
        .await
        .expect("analyze");
    let tallying = Instant::now();
    for university in &universities {
        employment_tallies::rebuild(&db, university.id, 2027)
            .await
            .expect("tallies");
    }
    db.execute_unprepared("ANALYZE employment_tallies")
        .await
        .expect("analyze");
    println!(
        "seeded {} graduates in {} universities ({:.0} s; tallies rebuilt in {:.0} s, not measured)",
        per_university * universities.len(),
        universities.len(),
        seeding.elapsed().as_secs_f64(),
        tallying.elapsed().as_secs_f64()
    );

    // A counselor of 学院3 at the first university: bachelor, 专业1 and 专业2.
    let university = &universities[0];
    let college = org::insert_unit_unchecked(
        &db,
        university,
        &NewUnit::parse("college", "学院3", "c3", university.id).expect("unit"),
    )
    .await
    .expect("college");
    let now = Utc::now();
    let counselor = accounts::ActiveModel {
        username: Set("bench_counselor".into()),
        password_hash: Set(NO_LOGIN.into()),
        role: Set(fudao::domain::role::Role::Counselor),
        org_unit_id: Set(college.id),
        org_path: Set(college.path.clone()),
        name: Set("辅导员".into()),
        phone: Set(None),
        must_change_password: Set(false),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("counselor");
    account_levels::ActiveModel {
        account_id: Set(counselor.id),
        education_level: Set("bachelor".into()),
    }
    .insert(&db)
    .await
    .expect("level");
    for name in ["专业1", "专业2"] {
        let major = majors::ActiveModel {
            college_id: Set(college.id),
            education_level: Set("bachelor".into()),
            name: Set(name.into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("major");
        account_majors::ActiveModel {
            account_id: Set(counselor.id),
            major_id: Set(major.id),
        }
        .insert(&db)
        .await
        .expect("link");
    }
    let counselor_actor = actor(Role::Counselor, &college, counselor.id);
    let school = actor(Role::SchoolAdmin, university, 1);
    let ministry = actor(Role::MinistryAdmin, &root, 1);

    time("counselor", 20, || async {
        employment_stats::for_counselor(&services, &counselor_actor, Some(2027))
            .await
            .expect("stats")
            .total
            .graduates
    })
    .await;
    time("university", 20, || async {
        employment_stats::for_admin(&services, &school, None, Some(2027))
            .await
            .expect("stats")
            .total
            .graduates
    })
    .await;
    time("nation", 20, || async {
        employment_stats::for_admin(&services, &ministry, None, Some(2027))
            .await
            .expect("stats")
            .total
            .graduates
    })
    .await;

    // 4. A 50 000-row XLSX.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, header) in employment::template_headers().iter().enumerate() {
        sheet.write(0, col as u16, *header).expect("header");
    }
    let codes = ["10", "11", "12", "75", "76", "80", "85", "70", "71"];
    for i in 0..50_000u32 {
        let row = i + 1;
        sheet.write(row, 0, format!("X{i:07}")).expect("cell");
        sheet.write(row, 1, "学生").expect("cell");
        sheet
            .write(row, 2, format!("学院{}", i % 20))
            .expect("cell");
        sheet
            .write(row, 3, format!("专业{}", (i / 20) % 10))
            .expect("cell");
        sheet.write(row, 4, "本科").expect("cell");
        sheet.write(row, 5, 2027).expect("cell");
        sheet
            .write(row, 6, codes[(i as usize) % codes.len()])
            .expect("cell");
        sheet.write(row, 7, "31").expect("cell");
        sheet.write(row, 8, "34").expect("cell");
        sheet.write(row, 9, "320100").expect("cell");
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let importer = actor(Role::SchoolAdmin, &target, 1);
    let started = Instant::now();
    let report = employment::import(
        &services,
        &importer,
        "bench.xlsx",
        &bytes,
        false,
        &RequestMeta::default(),
    )
    .await
    .expect("import");
    println!(
        "import: {} rows ({:.1} MB XLSX), {} inserted, {} errors, committed {} in {:.2} s",
        report.rows,
        bytes.len() as f64 / 1e6,
        report.inserted,
        report.errors.len(),
        report.committed,
        started.elapsed().as_secs_f64()
    );
}
