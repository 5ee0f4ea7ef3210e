//! The employment data report: graduates' records per university and cohort, the 毕业去向 code
//! table as data (versioned by cohort: the 2021 and 2024 groupings differ), and import runs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DestinationCodes {
    Table,
    FromCohort,
    Code,
    Label,
    Grp,
}

#[derive(DeriveIden)]
enum Graduates {
    Table,
    Id,
    UniversityId,
    CollegeName,
    MajorName,
    EducationLevel,
    Cohort,
    StudentNo,
    Name,
    DestinationCode,
    EmployerTypeCode,
    IndustryCode,
    RegionCode,
    ImportId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EmploymentImports {
    Table,
    Id,
    UniversityId,
    OrgPath,
    ActorId,
    Filename,
    Rows,
    Inserted,
    Updated,
    Unchanged,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmploymentTallies {
    Table,
    UniversityId,
    Cohort,
    Dim,
    DimValue,
    DestinationCode,
    N,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

/// (code, label, 2021 group, 2024 group). Groups: the 落实率 numerators of 教学厅函〔2021〕19号
/// and 教就业厅函〔2024〕11号; 待就业 and 暂不就业 count as not placed.
const CODES: [(&str, &str, &str, &str); 16] = [
    ("10", "签就业协议形式就业", "contract", "unit"),
    ("11", "签劳动合同形式就业", "contract", "unit"),
    ("12", "其他录用形式就业", "flexible", "unit"),
    ("27", "科研助理、管理助理", "contract", "unit"),
    ("46", "应征义务兵", "contract", "unit"),
    ("50", "国家基层项目", "contract", "unit"),
    ("51", "地方基层项目", "contract", "unit"),
    ("75", "自主创业", "startup", "startup"),
    ("76", "自由职业", "flexible", "freelance"),
    ("80", "升学", "further_study", "further_study"),
    ("81", "升学（非全日制）", "further_study", "further_study"),
    ("82", "升学（规培）", "further_study", "further_study"),
    ("85", "出国、出境", "further_study", "further_study"),
    ("70", "待就业", "seeking", "seeking"),
    ("71", "不就业拟升学", "not_seeking", "not_seeking"),
    ("72", "其他暂不就业", "not_seeking", "not_seeking"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DestinationCodes::Table)
                    // The scheme applies to this cohort (届) and later, until a newer one.
                    .col(integer(DestinationCodes::FromCohort))
                    .col(string_len(DestinationCodes::Code, 4))
                    .col(string_len(DestinationCodes::Label, 64))
                    .col(string_len(DestinationCodes::Grp, 32))
                    .primary_key(
                        Index::create()
                            .col(DestinationCodes::FromCohort)
                            .col(DestinationCodes::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (code, label, g2021, g2024) in CODES {
            for (from, group) in [(2021, g2021), (2024, g2024)] {
                manager
                    .exec_stmt(
                        Query::insert()
                            .into_table(DestinationCodes::Table)
                            .columns([
                                DestinationCodes::FromCohort,
                                DestinationCodes::Code,
                                DestinationCodes::Label,
                                DestinationCodes::Grp,
                            ])
                            .values_panic([from.into(), code.into(), label.into(), group.into()])
                            .to_owned(),
                    )
                    .await?;
            }
        }

        manager
            .create_table(
                Table::create()
                    .table(EmploymentImports::Table)
                    .col(pk_auto(EmploymentImports::Id))
                    .col(integer(EmploymentImports::UniversityId))
                    .col(string_len(EmploymentImports::OrgPath, 255))
                    .col(integer(EmploymentImports::ActorId))
                    .col(string_len(EmploymentImports::Filename, 255))
                    .col(integer(EmploymentImports::Rows))
                    .col(integer(EmploymentImports::Inserted))
                    .col(integer(EmploymentImports::Updated))
                    .col(integer(EmploymentImports::Unchanged))
                    .col(timestamp_with_time_zone(EmploymentImports::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Graduates::Table)
                    .col(pk_auto(Graduates::Id))
                    .col(integer(Graduates::UniversityId))
                    .col(string_len(Graduates::CollegeName, 100))
                    .col(string_len(Graduates::MajorName, 100))
                    .col(string_len(Graduates::EducationLevel, 16))
                    .col(integer(Graduates::Cohort))
                    .col(string_len(Graduates::StudentNo, 32))
                    .col(string_len(Graduates::Name, 64))
                    .col(string_len(Graduates::DestinationCode, 4))
                    .col(string_len_null(Graduates::EmployerTypeCode, 4))
                    .col(string_len_null(Graduates::IndustryCode, 4))
                    .col(string_len_null(Graduates::RegionCode, 6))
                    .col(integer_null(Graduates::ImportId))
                    .col(timestamp_with_time_zone(Graduates::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Graduates::Table, Graduates::UniversityId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_graduates_student")
                    .table(Graduates::Table)
                    .col(Graduates::UniversityId)
                    .col(Graduates::Cohort)
                    .col(Graduates::StudentNo)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmploymentTallies::Table)
                    // Graduates per university, cohort, one dimension's value and destination
                    // code, rebuilt for the cohorts an import touches: provinces and the nation
                    // add these up instead of scanning millions of graduates.
                    .col(integer(EmploymentTallies::UniversityId))
                    .col(integer(EmploymentTallies::Cohort))
                    .col(string_len(EmploymentTallies::Dim, 16))
                    .col(string_len(EmploymentTallies::DimValue, 100))
                    .col(string_len(EmploymentTallies::DestinationCode, 4))
                    .col(integer(EmploymentTallies::N))
                    .primary_key(
                        Index::create()
                            .col(EmploymentTallies::Cohort)
                            .col(EmploymentTallies::Dim)
                            .col(EmploymentTallies::UniversityId)
                            .col(EmploymentTallies::DimValue)
                            .col(EmploymentTallies::DestinationCode),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_graduates_scope")
                    .table(Graduates::Table)
                    .col(Graduates::UniversityId)
                    .col(Graduates::Cohort)
                    .col(Graduates::CollegeName)
                    .col(Graduates::EducationLevel)
                    .col(Graduates::MajorName)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmploymentTallies::Table.into_iden(),
            Graduates::Table.into_iden(),
            EmploymentImports::Table.into_iden(),
            DestinationCodes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
