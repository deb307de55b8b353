//! What the Open311 calls do: list services, describe one, file a request through the one
//! intake, and read requests, tokens and updates back. Only events of the channel `open311`
//! are ever read here, and never a reporter's contact details.

use chrono::{DateTime, Duration, Utc};
use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Double, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::params::{PostRequest, RequestQuery, Status, UpdateQuery};
use super::types::{
    Attribute, AttributeValue, Filed, RequestUpdate, Service, ServiceDefinition, ServiceRequest, TokenAnswer,
};
use crate::credentials::ApiScope;
use crate::credentials::service::ApiClient;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::events::EventState;
use crate::events::service::{attributes, catalog, intake};
use crate::events::types::{ADDRESS_MAX, Category, Channel, NewEvent, TITLE_MAX};
use crate::sql::Sql;

/// The words the answers carry, in the caller's language (the server passes its
/// translations in).
pub trait Words: Sync {
    fn state(&self, state: EventState) -> String;
    /// A step's action (`dispatch`, `auto_escalate`, `report`).
    fn action(&self, action: &str) -> String;
    /// What the reporter is told when a request is filed.
    fn notice(&self, number: &str, token: &str) -> String;
}

/// A township served as a jurisdiction.
#[derive(Debug, Clone, PartialEq)]
pub struct Township {
    pub id: i32,
    pub code: String,
    pub name: String,
}

#[derive(diesel::QueryableByName)]
struct TownshipRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// The township a call is about: the one it names (`jurisdiction_id`, the township's
/// division code), else its key's, else the only one served.
pub async fn jurisdiction(
    conn: &mut AsyncPgConnection,
    named: Option<&str>,
    client: Option<&ApiClient>,
) -> Result<Township, AppError> {
    let rows: Vec<TownshipRow> =
        diesel::sql_query("SELECT id, code, name FROM townships ORDER BY id").load(conn).await?;
    let township = match (named, client) {
        (Some(code), _) => rows
            .into_iter()
            .find(|t| t.code == code)
            .ok_or_else(|| AppError::field("jurisdiction_id", ErrorCode::Open311JurisdictionUnknown))?,
        (None, Some(client)) => rows.into_iter().find(|t| t.id == client.township_id).ok_or(AppError::Internal)?,
        (None, None) if rows.len() == 1 => rows.into_iter().next().ok_or(AppError::Internal)?,
        (None, None) => return Err(AppError::field("jurisdiction_id", ErrorCode::Open311JurisdictionRequired)),
    };
    // A key works for its own township only.
    if client.is_some_and(|c| c.township_id != township.id) {
        return Err(AppError::field("api_key", ErrorCode::ApiKeyScope));
    }
    Ok(Township { id: township.id, code: township.code, name: township.name })
}

/// The services: every active category a request can be filed under (the leaves of the
/// tree), grouped by their parent.
pub async fn services(conn: &mut AsyncPgConnection) -> Result<Vec<Service>, AppError> {
    let categories = catalog::categories(conn).await?;
    let with_attributes: Vec<i32> = attributes::list(conn, None).await?.into_iter().map(|a| a.category_id).collect();
    Ok(categories
        .iter()
        .filter(|c| c.active && c.parent_id.is_some())
        .map(|c| {
            let group =
                categories.iter().find(|p| Some(p.id) == c.parent_id).map(|p| p.name.clone()).unwrap_or_default();
            Service {
                service_code: c.code.clone(),
                service_name: c.name.clone(),
                description: format!("{group} · {}", c.name),
                metadata: with_attributes.contains(&c.id),
                kind: "realtime",
                keywords: String::new(),
                group,
            }
        })
        .collect())
}

/// The category a service code names, if requests may be filed under it.
async fn service_category(conn: &mut AsyncPgConnection, code: &str) -> Result<Category, AppError> {
    catalog::categories(conn)
        .await?
        .into_iter()
        .find(|c| c.code == code && c.active && c.parent_id.is_some())
        .ok_or_else(|| AppError::field("service_code", ErrorCode::Open311ServiceUnknown))
}

/// `services/{code}`: the attributes the service asks for.
pub async fn definition(conn: &mut AsyncPgConnection, code: &str) -> Result<ServiceDefinition, AppError> {
    let category = service_category(conn, code).await?;
    let attributes = attributes::list(conn, Some(category.id)).await?;
    Ok(ServiceDefinition {
        service_code: category.code,
        attributes: attributes
            .into_iter()
            .enumerate()
            .map(|(order, a)| Attribute {
                variable: true,
                code: a.code,
                datatype: a.datatype.as_str(),
                required: a.required,
                datatype_description: String::new(),
                order: order as i32 + 1,
                description: a.description,
                values: a.choices.into_iter().map(|c| AttributeValue { key: c.key, name: c.name }).collect(),
            })
            .collect(),
    })
}

/// The intake's field names said as the Open311 parameters they came from.
fn open311_field(field: &str) -> &str {
    match field {
        "category_id" => "service_code",
        "location" => "lat",
        "contact_phone" => "phone",
        "contact_name" => "first_name",
        "address" => "address_string",
        "title" => "description",
        other => other,
    }
}

/// A title for the inbox: the description's first line, shortened; else the service's name.
fn title_of(description: &str, service: &str) -> String {
    const SHOWN: usize = 30;
    let line = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    if line.is_empty() {
        return service.chars().take(TITLE_MAX).collect();
    }
    let mut title: String = line.chars().take(SHOWN).collect();
    if line.chars().count() > SHOWN {
        title.push('…');
    }
    title
}

/// A reporter's name as people write it: family name first where the name is Chinese.
fn contact_name(first: &str, last: &str) -> String {
    if first.is_ascii() && last.is_ascii() {
        format!("{first} {last}").trim().to_owned()
    } else {
        format!("{last}{first}")
    }
}

/// Files a request as an event of the loop, with what the client sent beside it, in one
/// transaction.
pub async fn file(
    conn: &mut AsyncPgConnection,
    client: &ApiClient,
    township: &Township,
    post: &PostRequest,
    words: &dyn Words,
) -> Result<Filed, AppError> {
    if !client.may(ApiScope::Open311) {
        return Err(AppError::field("api_key", ErrorCode::ApiKeyScope));
    }
    let category = service_category(conn, &post.service_code).await?;
    let declared = attributes::list(conn, Some(category.id)).await?;
    let mut errors = Vec::new();
    let mut values = serde_json::Map::new();
    let mut lines = Vec::new();
    for attribute in &declared {
        let sent = post.attributes.get(&attribute.code).map(Vec::as_slice).unwrap_or_default();
        match attribute.value_of(sent) {
            Ok(Some(value)) => {
                lines.push(attribute.describe(&value));
                values.insert(attribute.code.clone(), value);
            }
            Ok(None) => {}
            Err(code) => errors.push(FieldError::new(format!("attribute[{}]", attribute.code), code)),
        }
    }
    for code in post.attributes.keys().filter(|code| !declared.iter().any(|a| &a.code == *code)) {
        errors.push(FieldError::new(format!("attribute[{code}]"), ErrorCode::Open311AttributeUnknown));
    }
    if post.address_string.chars().count() > ADDRESS_MAX {
        errors.push(FieldError::new("address_string", ErrorCode::EventAddressTooLong));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let description = std::iter::once(post.description.trim())
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .chain(lines)
        .collect::<Vec<_>>()
        .join("\n");
    let form = NewEvent {
        channel: Channel::Open311.as_str().into(),
        category_id: category.id,
        priority: "normal".into(),
        title: title_of(&post.description, &category.name),
        description,
        address: post.address_string.clone(),
        lat: Some(post.lat),
        lng: Some(post.long),
        contact_name: contact_name(&post.first_name, &post.last_name),
        contact_phone: post.phone.clone(),
        ..NewEvent::default()
    };
    let filer = intake::SystemFiler {
        township_id: township.id,
        channel: Channel::Open311,
        name: format!("开放接口 · {}", client.name),
        deadline: None,
    };
    let (post, key_id) = (post.clone(), client.key_id);
    let reported = conn
        .transaction::<_, AppError, _>(async |conn| {
            let reported = intake::file_for_system(conn, &filer, &form).await?;
            diesel::sql_query(
                "INSERT INTO open311_requests (event_id, api_key_id, attributes, media_url, email, device_id, account_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind::<BigInt, _>(reported.id)
            .bind::<BigInt, _>(key_id)
            .bind::<Jsonb, _>(serde_json::Value::Object(values))
            .bind::<Text, _>(&post.media_url)
            .bind::<Text, _>(&post.email)
            .bind::<Text, _>(&post.device_id)
            .bind::<Text, _>(&post.account_id)
            .execute(conn)
            .await?;
            Ok(reported)
        })
        .await
        .map_err(|error| match error {
            AppError::Validation(errors) => AppError::Validation(
                errors.into_iter().map(|e| FieldError::new(open311_field(&e.field), e.code)).collect(),
            ),
            other => other,
        })?;
    Ok(Filed {
        service_notice: words.notice(&reported.number, &reported.tracking_code),
        service_request_id: reported.number,
        token: reported.tracking_code,
        account_id: (!post.account_id.is_empty()).then(|| post.account_id.clone()),
    })
}

fn status_of(state: EventState) -> Status {
    if state.is_final() { Status::Closed } else { Status::Open }
}

/// W3C date and time on the township's clock.
fn w3c(at: DateTime<Utc>) -> String {
    crate::time::local(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[derive(diesel::QueryableByName)]
struct RequestRow {
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    state: EventState,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Double)]
    lng: f64,
    #[diesel(sql_type = Timestamptz)]
    reported_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    deadline: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    service_code: String,
    #[diesel(sql_type = Text)]
    service_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    department: Option<String>,
    #[diesel(sql_type = Text)]
    media_url: String,
}

const REQUEST_SQL: &str = "SELECT e.number, e.state, e.description, e.address, ST_Y(e.location) AS lat, \
        ST_X(e.location) AS lng, e.reported_at, e.updated_at, e.deadline, c.code AS service_code, \
        c.name AS service_name, d.name AS department, o.media_url \
     FROM events e JOIN open311_requests o ON o.event_id = e.id \
     JOIN event_categories c ON c.id = e.category_id LEFT JOIN departments d ON d.id = e.department_id \
     WHERE e.channel = 'open311' AND e.township_id = ";

impl RequestRow {
    fn into_request(self, words: &dyn Words) -> ServiceRequest {
        let status = status_of(self.state);
        ServiceRequest {
            service_request_id: self.number,
            status: status.as_str(),
            status_notes: words.state(self.state),
            service_name: self.service_name,
            service_code: self.service_code,
            description: self.description,
            agency_responsible: self.department,
            service_notice: None,
            requested_datetime: w3c(self.reported_at),
            updated_datetime: w3c(self.updated_at),
            expected_datetime: (status == Status::Open).then(|| w3c(self.deadline)),
            address: self.address,
            address_id: None,
            zipcode: None,
            lat: self.lat,
            long: self.lng,
            media_url: (!self.media_url.is_empty()).then_some(self.media_url),
        }
    }
}

/// `GET requests`: ids (which override every other parameter, as the specification says),
/// else services, dates (by default the last 90 days), statuses and a page, newest first.
pub async fn requests(
    conn: &mut AsyncPgConnection,
    township: &Township,
    query: &RequestQuery,
    words: &dyn Words,
) -> Result<Vec<ServiceRequest>, AppError> {
    let mut sql = Sql::new(REQUEST_SQL).bind(township.id);
    if query.ids.is_empty() {
        if !query.service_codes.is_empty() {
            sql = sql.push(" AND c.code = ANY(").bind(query.service_codes.clone()).push(")");
        }
        let start = match (query.start, query.end) {
            (None, None) => Some(Utc::now() - Duration::days(super::params::DEFAULT_DAYS)),
            (start, _) => start,
        };
        if let Some(start) = start {
            sql = sql.push(" AND e.reported_at >= ").bind(start);
        }
        if let Some(end) = query.end {
            sql = sql.push(" AND e.reported_at <= ").bind(end);
        }
        match (query.statuses.contains(&Status::Open), query.statuses.contains(&Status::Closed)) {
            (true, false) => sql = sql.push(concat!(" AND e.state NOT IN (", crate::final_states_sql!(), ")")),
            (false, true) => sql = sql.push(concat!(" AND e.state IN (", crate::final_states_sql!(), ")")),
            _ => {}
        }
    } else {
        sql = sql.push(" AND e.number = ANY(").bind(query.ids.clone()).push(")");
    }
    let rows: Vec<RequestRow> = sql
        .push(" ORDER BY e.reported_at DESC, e.id DESC")
        .page(query.page_size, (query.page - 1) * query.page_size)
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|row| row.into_request(words)).collect())
}

/// `GET requests/{id}`: one request, or `Open311RequestUnknown`.
pub async fn request(
    conn: &mut AsyncPgConnection,
    township: &Township,
    id: &str,
    words: &dyn Words,
) -> Result<ServiceRequest, AppError> {
    let row: Option<RequestRow> = Sql::new(REQUEST_SQL)
        .bind(township.id)
        .push(" AND e.number = ")
        .bind(id)
        .query()
        .get_result(conn)
        .await
        .optional()?;
    row.map(|row| row.into_request(words))
        .ok_or_else(|| AppError::field("service_request_id", ErrorCode::Open311RequestUnknown))
}

/// `GET tokens/{token}`: the request a token (its tracking code) names.
pub async fn token(conn: &mut AsyncPgConnection, township: &Township, token: &str) -> Result<TokenAnswer, AppError> {
    let unknown = || AppError::field("token", ErrorCode::Open311RequestUnknown);
    let (number, key) = crate::events::tracking::split(token).ok_or_else(unknown)?;
    #[derive(diesel::QueryableByName)]
    struct Number {
        #[diesel(sql_type = Text)]
        number: String,
    }
    let found: Option<Number> = diesel::sql_query(
        "SELECT number FROM events WHERE number = $1 AND tracking_key = $2 AND township_id = $3 AND channel = 'open311'",
    )
    .bind::<Text, _>(&number)
    .bind::<Text, _>(&key)
    .bind::<diesel::sql_types::Integer, _>(township.id)
    .get_result(conn)
    .await
    .optional()?;
    let found = found.ok_or_else(unknown)?;
    Ok(TokenAnswer { service_request_id: found.number, token: format!("{number}-{key}") })
}

/// `GET servicerequestupdates`: every step of the channel's requests between two instants
/// (by default the last day), oldest first, so a client can apply them in order.
pub async fn updates(
    conn: &mut AsyncPgConnection,
    township: &Township,
    query: &UpdateQuery,
    words: &dyn Words,
) -> Result<Vec<RequestUpdate>, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        number: String,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Text)]
        action: String,
        #[diesel(sql_type = Text)]
        to_state: EventState,
    }
    let end = query.end.unwrap_or_else(Utc::now);
    let start = query.start.unwrap_or(end - Duration::days(1));
    let rows: Vec<Row> = Sql::new(
        "SELECT s.id, e.number, s.at, s.action, s.to_state FROM event_steps s JOIN events e ON e.id = s.event_id \
         WHERE e.channel = 'open311' AND e.township_id = ",
    )
    .bind(township.id)
    .push(" AND s.at >= ")
    .bind(start)
    .push(" AND s.at <= ")
    .bind(end)
    .push(" ORDER BY s.at, s.id")
    .page(query.page_size, 0)
    .query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RequestUpdate {
            update_id: row.id.to_string(),
            service_request_id: row.number,
            status: status_of(row.to_state).as_str(),
            updated_datetime: w3c(row.at),
            description: format!("{}：{}", words.action(&row.action), words.state(row.to_state)),
            media_url: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_the_descriptions_first_line() {
        assert_eq!(title_of("\n  路灯不亮  \n第二行", "路灯损坏"), "路灯不亮");
        assert_eq!(title_of("", "路灯损坏"), "路灯损坏");
        let long = "很".repeat(40);
        assert_eq!(title_of(&long, "x").chars().count(), 31);
    }

    #[test]
    fn names_are_written_as_people_write_them() {
        assert_eq!(contact_name("三", "张"), "张三");
        assert_eq!(contact_name("Ada", "Lovelace"), "Ada Lovelace");
        assert_eq!(contact_name("", ""), "");
    }
}
