//! A realistic demo data set: one province, two universities with colleges and majors,
//! admins at every level, about fifty counselors, and the province's 就业资讯.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    TransactionTrait,
};

use crate::db::entities::{majors, org_units};
use crate::domain::education::{EducationLevel, EducationLevels};
use crate::domain::news::NewsFields;
use crate::domain::org::OrgKind;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::{AppResult, Conflict};
use crate::service::org::{self, NewUnit};
use crate::service::{accounts, Services};

/// One login the demo created, printed for the operator.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub account_id: i32,
    pub role: Role,
    pub unit: String,
    pub name: String,
    pub username: String,
    pub password: String,
}

struct College {
    code: &'static str,
    name: &'static str,
    majors: &'static [(EducationLevel, &'static [&'static str])],
}

struct University {
    code: &'static str,
    name: &'static str,
    admin: &'static str,
    colleges: &'static [College],
}

use EducationLevel::{Associate, Bachelor, Doctor, Master};

const PROVINCE: (&str, &str) = ("32", "江苏省");

const UNIVERSITIES: &[University] = &[
    University {
        code: "19901",
        name: "江南示范大学",
        admin: "jnsf",
        colleges: &[
            College {
                code: "cs",
                name: "计算机科学与技术学院",
                majors: &[
                    (
                        Bachelor,
                        &["计算机科学与技术", "软件工程", "数据科学与大数据技术"],
                    ),
                    (Master, &["计算机科学与技术", "软件工程"]),
                    (Doctor, &["计算机科学与技术"]),
                ],
            },
            College {
                code: "em",
                name: "经济管理学院",
                majors: &[
                    (Bachelor, &["会计学", "国际经济与贸易", "工商管理"]),
                    (Master, &["会计", "工商管理"]),
                ],
            },
            College {
                code: "fl",
                name: "外国语学院",
                majors: &[
                    (Bachelor, &["英语", "日语", "翻译"]),
                    (Master, &["英语笔译"]),
                ],
            },
        ],
    },
    University {
        code: "19902",
        name: "金陵示范职业技术学院",
        admin: "jlzy",
        colleges: &[
            College {
                code: "me",
                name: "智能制造学院",
                majors: &[(Associate, &["机电一体化技术", "工业机器人技术", "数控技术"])],
            },
            College {
                code: "ee",
                name: "电子信息学院",
                majors: &[(
                    Associate,
                    &["电子信息工程技术", "物联网应用技术", "计算机网络技术"],
                )],
            },
            College {
                code: "tr",
                name: "现代服务学院",
                majors: &[(Associate, &["旅游管理", "酒店管理与数字化运营", "电子商务"])],
            },
        ],
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林",
];
const GIVEN: &[&str] = &[
    "晓明", "思雨", "建国", "雅婷", "志强", "欣怡", "海洋", "佳琪", "文博", "静", "磊", "婷婷",
    "子涵", "浩然", "梦瑶", "宇航",
];
const COUNSELORS_PER_COLLEGE: usize = 8;

/// Load the demo set. Refuses when the demo province already exists.
pub async fn load(services: &Services) -> AppResult<Vec<DemoLogin>> {
    let db: &DatabaseConnection = &services.db;
    let exists = org_units::Entity::find()
        .filter(org_units::Column::Kind.eq(OrgKind::Province))
        .filter(org_units::Column::Code.eq(PROVINCE.0))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(Conflict::DemoLoaded.into());
    }
    let txn = db.begin().await?;
    let ministry = org::ensure_ministry(&txn).await?;
    let mut logins = Vec::new();
    let province = insert_unit(&txn, &ministry, OrgKind::Province, PROVINCE.1, PROVINCE.0).await?;
    logins.push(
        admin(
            &txn,
            Role::ProvinceAdmin,
            &province,
            "js_admin",
            "江苏省就业指导中心",
        )
        .await?,
    );
    // 就业资讯 from the province: one written here, one linking to the national platform.
    let author = logins[0].account_id;
    news(
        &txn,
        &province,
        author,
        "2027届毕业生春季双选会通知",
        None,
        Some("时间：3月15日 9:00–16:00\n地点：南京国际博览中心\n\n请各校辅导员通知毕业生携带简历参加，现场提供政策咨询。"),
    )
    .await?;
    news(
        &txn,
        &province,
        author,
        "国家大学生就业服务平台：24365校园招聘",
        Some("https://www.ncss.cn/"),
        None,
    )
    .await?;
    let mut phone_seq = 0u32;
    for university in UNIVERSITIES {
        load_university(&txn, &province, university, &mut phone_seq, &mut logins).await?;
    }
    txn.commit().await?;
    Ok(logins)
}

/// A university, its admin, and each college with its admin, majors and counselors.
async fn load_university(
    txn: &DatabaseTransaction,
    province: &org_units::Model,
    university: &University,
    phone_seq: &mut u32,
    logins: &mut Vec<DemoLogin>,
) -> AppResult<()> {
    let school = insert_unit(
        txn,
        province,
        OrgKind::University,
        university.name,
        university.code,
    )
    .await?;
    logins.push(
        admin(
            txn,
            Role::SchoolAdmin,
            &school,
            &format!("{}_admin", university.admin),
            &format!("{}就业处", university.name),
        )
        .await?,
    );
    for college in university.colleges {
        let unit = insert_unit(txn, &school, OrgKind::College, college.name, college.code).await?;
        logins.push(
            admin(
                txn,
                Role::CollegeAdmin,
                &unit,
                &format!("{}_{}", university.admin, college.code),
                &format!("{}学工办", college.name),
            )
            .await?,
        );
        let mut catalog: Vec<majors::Model> = Vec::new();
        for (level, names) in college.majors {
            for name in *names {
                catalog.push(insert_major(txn, &unit, *level, name).await?);
            }
        }
        for i in 0..COUNSELORS_PER_COLLEGE {
            *phone_seq += 1;
            let place = format!("{} {}", university.name, college.name);
            logins.push(counselor(txn, &unit, college, &catalog, i, *phone_seq, place).await?);
        }
    }
    Ok(())
}

/// The `i`-th counselor of a college: a made-up name and phone, one of the college's levels and
/// two or three of its majors of that level.
async fn counselor(
    txn: &DatabaseTransaction,
    unit: &org_units::Model,
    college: &College,
    catalog: &[majors::Model],
    i: usize,
    seq: u32,
    place: String,
) -> AppResult<DemoLogin> {
    let name = format!(
        "{}{}",
        SURNAMES[(seq as usize * 7) % SURNAMES.len()],
        GIVEN[(seq as usize * 5 + i) % GIVEN.len()]
    );
    let phone = MobilePhone::parse(&format!("139{:08}", 10_000 + seq))?;
    let username = Username::parse(phone.as_str())?;
    let (account, password) = accounts::create_unchecked(
        txn,
        Role::Counselor,
        unit,
        &username,
        &name,
        Some(&phone),
        None,
    )
    .await?;
    let (level, _) = college.majors[i % college.majors.len()];
    let of_level = || {
        catalog
            .iter()
            .filter(move |m| m.education_level == level.as_str())
    };
    let mut mine: Vec<i32> = of_level()
        .enumerate()
        .filter(|(n, _)| (n + i) % 3 != 0 || college.majors.len() == 1 && *n == 0)
        .map(|(_, m)| m.id)
        .collect();
    if mine.is_empty() {
        mine = of_level().map(|m| m.id).take(1).collect();
    }
    let levels = EducationLevels::parse(&[level.as_str()])?;
    accounts::set_duties_unchecked(txn, account.id, &levels, &mine).await?;
    Ok(DemoLogin {
        account_id: account.id,
        role: Role::Counselor,
        unit: place,
        name,
        username: account.username,
        password,
    })
}

async fn insert_unit(
    txn: &DatabaseTransaction,
    parent: &org_units::Model,
    kind: OrgKind,
    name: &str,
    code: &str,
) -> AppResult<org_units::Model> {
    let new = NewUnit::parse(kind.as_str(), name, code, parent.id)?;
    org::insert_unit_unchecked(txn, parent, &new).await
}

async fn insert_major(
    txn: &DatabaseTransaction,
    college: &org_units::Model,
    level: EducationLevel,
    name: &str,
) -> AppResult<majors::Model> {
    org::insert_major_unchecked(txn, college.id, level, name.to_string()).await
}

async fn admin(
    txn: &DatabaseTransaction,
    role: Role,
    unit: &org_units::Model,
    username: &str,
    name: &str,
) -> AppResult<DemoLogin> {
    let username = Username::parse(username)?;
    let (account, password) =
        accounts::create_unchecked(txn, role, unit, &username, name, None, None).await?;
    Ok(DemoLogin {
        account_id: account.id,
        role,
        unit: unit.name.clone(),
        name: account.name,
        username: account.username,
        password,
    })
}

async fn news(
    txn: &DatabaseTransaction,
    unit: &org_units::Model,
    author_id: i32,
    title: &str,
    link: Option<&str>,
    body: Option<&str>,
) -> AppResult<()> {
    let fields = NewsFields::parse(title, None, None, link, body)?;
    crate::service::news::insert(txn, unit, author_id, &fields).await?;
    Ok(())
}
