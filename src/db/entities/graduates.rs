use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "graduates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub university_id: i32,
    pub college_name: String,
    pub major_name: String,
    pub education_level: String,
    pub cohort: i32,
    pub student_no: String,
    pub name: String,
    pub destination_code: String,
    pub employer_type_code: Option<String>,
    pub industry_code: Option<String>,
    pub region_code: Option<String>,
    pub import_id: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
