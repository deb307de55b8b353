//! The bodies of GeoReport v2, field for field as the specification names them. JSON is
//! these serialized; XML is the same values under the specification's element names
//! (`server/src/open311/xml.rs`).

use serde::Serialize;

/// `GET services`: one service a client may request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// Whether `services/{code}` declares attributes.
    pub metadata: bool,
    /// Always `realtime`: a request becomes an event at once.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    pub group: String,
}

/// `GET services/{code}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// Always true: every attribute asks the reporter for a value.
    pub variable: bool,
    pub code: String,
    pub datatype: &'static str,
    pub required: bool,
    pub datatype_description: String,
    pub order: i32,
    pub description: String,
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// `POST requests`: the request just filed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filed {
    pub service_request_id: String,
    /// The tracking code: `GET tokens/{token}` and the public tracking page know it.
    pub token: String,
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// `GET tokens/{token}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

/// `GET requests` and `GET requests/{id}`: one service request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: String,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: f64,
    pub long: f64,
    pub media_url: Option<String>,
}

/// `GET servicerequestupdates` (the updates extension FixMyStreet and others use): one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestUpdate {
    pub update_id: String,
    pub service_request_id: String,
    pub status: &'static str,
    pub updated_datetime: String,
    pub description: String,
    pub media_url: Option<String>,
}

/// `GET discovery`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discovery {
    pub changeset: &'static str,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    pub specification: &'static str,
    pub url: String,
    pub changeset: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub formats: Vec<&'static str>,
}
