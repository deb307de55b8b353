//! The categories' attributes (`events::attributes`): the only code that reads or writes
//! `event_category_attributes`.

use diesel::OptionalExtension;
use diesel::sql_types::{Bool, Integer, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode};
use crate::events::attributes::{AttributeForm, AttributeType, CategoryAttribute, Choice, MAX_PER_CATEGORY};
use crate::permissions::codes;

/// (category code, attribute code, datatype, required, description, choices): what a
/// fresh deployment asks of the reports where a handler most often has to call back.
type Seed = (&'static str, &'static str, AttributeType, bool, &'static str, &'static [(&'static str, &'static str)]);

const DEFAULT_ATTRIBUTES: &[Seed] = &[
    ("CG0501", "pole_number", AttributeType::String, false, "灯杆编号（杆身喷涂的编号）", &[]),
    (
        "CG0501",
        "lamp_state",
        AttributeType::SingleValueList,
        true,
        "路灯状态",
        &[("off", "不亮"), ("flicker", "闪烁"), ("day_on", "白天常亮"), ("pole_damaged", "灯杆损坏")],
    ),
    ("CG0503", "area", AttributeType::Number, false, "破损面积（平方米，估计即可）", &[]),
    ("CG0203", "plate", AttributeType::String, false, "车牌号", &[]),
    ("ZL0303", "started_at", AttributeType::Datetime, false, "噪声开始时间", &[]),
    (
        "ZL0303",
        "periods",
        AttributeType::MultiValueList,
        true,
        "出现时段",
        &[("morning", "清晨（6 时前）"), ("day", "白天"), ("evening", "傍晚"), ("night", "夜间（22 时后）")],
    ),
];

/// Seeds the default attributes where their category has none of that code. Idempotent.
pub async fn ensure_defaults(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    for (sort, (category, code, datatype, required, description, choices)) in DEFAULT_ATTRIBUTES.iter().enumerate() {
        let choices: Vec<Choice> =
            choices.iter().map(|(k, n)| Choice { key: (*k).into(), name: (*n).into() }).collect();
        diesel::sql_query(
            "INSERT INTO event_category_attributes (category_id, code, datatype, required, description, sort, choices) \
             SELECT id, $2, $3, $4, $5, $6, $7 FROM event_categories WHERE code = $1 \
             ON CONFLICT (category_id, code) DO NOTHING",
        )
        .bind::<Text, _>(category)
        .bind::<Text, _>(code)
        .bind::<Text, _>(datatype.as_str())
        .bind::<Bool, _>(required)
        .bind::<Text, _>(description)
        .bind::<Integer, _>(sort as i32)
        .bind::<Jsonb, _>(serde_json::to_value(&choices).unwrap_or_default())
        .execute(conn)
        .await?;
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Raw {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    category_id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    datatype: String,
    #[diesel(sql_type = Bool)]
    required: bool,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Integer)]
    sort: i32,
    #[diesel(sql_type = Jsonb)]
    choices: serde_json::Value,
}

impl Raw {
    fn into_attribute(self) -> CategoryAttribute {
        CategoryAttribute {
            id: self.id,
            category_id: self.category_id,
            code: self.code,
            datatype: AttributeType::parse(&self.datatype).unwrap_or(AttributeType::String),
            required: self.required,
            description: self.description,
            sort: self.sort,
            choices: serde_json::from_value(self.choices).unwrap_or_default(),
        }
    }
}

/// Every category's attributes (none given) or one category's, in their order.
pub async fn list(conn: &mut AsyncPgConnection, category_id: Option<i32>) -> Result<Vec<CategoryAttribute>, AppError> {
    let rows: Vec<Raw> = diesel::sql_query(
        "SELECT id, category_id, code, datatype, required, description, sort, choices FROM event_category_attributes \
         WHERE $1::int IS NULL OR category_id = $1 ORDER BY category_id, sort, id",
    )
    .bind::<diesel::sql_types::Nullable<Integer>, _>(category_id)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(Raw::into_attribute).collect())
}

/// Adds an attribute to a category, or changes the one of the same code.
pub async fn save(conn: &mut AsyncPgConnection, user: &SessionUser, form: &AttributeForm) -> Result<i32, AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    let (datatype, choices) = form.parse()?;
    let category = super::catalog::category_by_id(conn, form.category_id).await?;
    let existing = list(conn, Some(category.id)).await?;
    let code = form.code.trim();
    if !existing.iter().any(|a| a.code == code) && existing.len() >= MAX_PER_CATEGORY {
        return Err(AppError::field("code", ErrorCode::AttributeTooMany));
    }
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    let saved: Option<Id> = diesel::sql_query(
        "INSERT INTO event_category_attributes (category_id, code, datatype, required, description, sort, choices) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (category_id, code) DO UPDATE SET datatype = EXCLUDED.datatype, required = EXCLUDED.required, \
             description = EXCLUDED.description, choices = EXCLUDED.choices \
         RETURNING id",
    )
    .bind::<Integer, _>(category.id)
    .bind::<Text, _>(code)
    .bind::<Text, _>(datatype.as_str())
    .bind::<Bool, _>(form.required)
    .bind::<Text, _>(form.description.trim())
    .bind::<Integer, _>(existing.len() as i32)
    .bind::<Jsonb, _>(serde_json::to_value(&choices).unwrap_or_default())
    .get_result(conn)
    .await
    .optional()?;
    let saved = saved.ok_or(AppError::Internal)?;
    let target = format!("{}.{code}", category.code);
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::SaveCategoryAttribute,
        &target,
        form.description.trim(),
    )
    .await?;
    Ok(saved.id)
}

/// Removes an attribute. Values already sent stay with their requests.
pub async fn remove(conn: &mut AsyncPgConnection, user: &SessionUser, id: i32) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    #[derive(diesel::QueryableByName)]
    struct Removed {
        #[diesel(sql_type = Text)]
        target: String,
    }
    let removed: Option<Removed> = diesel::sql_query(
        "DELETE FROM event_category_attributes a USING event_categories c WHERE a.id = $1 AND c.id = a.category_id \
         RETURNING c.code || '.' || a.code AS target",
    )
    .bind::<Integer, _>(id)
    .get_result(conn)
    .await
    .optional()?;
    let removed = removed.ok_or(AppError::NotFound)?;
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::RemoveCategoryAttribute,
        &removed.target,
        "",
    )
    .await
}
