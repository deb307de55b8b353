//! Every code a field error can carry: what a validator found wrong with one input. The text
//! form (`event.stale`) is what crossed the wire as a plain string before the codes were
//! typed, and the UI shows the translation `errors.<code>` from `app/locales/*.yml` (a test in
//! `app/src/i18n.rs` fails when one is missing in either language).

crate::code_enum::code_enum! {
    /// Why one field was refused. Serialized as its code (`"password.too_short"`).
    pub enum ErrorCode in "errors" {
        // Any field.
        Required = "required",
        TooLong = "too_long",
        // The request body (the input guard of server/src/input_guard.rs).
        RequestInvalidUtf8 = "request.invalid_utf8",
        RequestTooManyFields = "request.too_many_fields",
        RequestTooLarge = "request.too_large",
        // Any text field.
        TextControlCharacters = "text.control_characters",
        // Table paging and search.
        PagingPageOutOfRange = "paging.page_out_of_range",
        PagingPerPageOutOfRange = "paging.per_page_out_of_range",
        PagingSearchTooLong = "paging.search_too_long",
        // The event list's filter.
        FilterStateUnknown = "filter.state_unknown",
        FilterDateFormat = "filter.date_format",
        FilterDateOutOfRange = "filter.date_out_of_range",
        FilterDateOrder = "filter.date_order",
        // The auditor's search of the log.
        AuditActionUnknown = "audit.action_unknown",
        AuditOutcomeUnknown = "audit.outcome_unknown",
        FilterIdFormat = "filter.id_format",
        // The password policy (GB/T 22239).
        PasswordTooShort = "password.too_short",
        PasswordTooLong = "password.too_long",
        PasswordClasses = "password.classes",
        PasswordContainsUsername = "password.contains_username",
        PasswordCommon = "password.common",
        PasswordMismatch = "password.mismatch",
        PasswordWrong = "password.wrong",
        PasswordReused = "password.reused",
        PasswordChangeRequired = "password.change_required",
        // The second factor (a one-time code from an authenticator app).
        SecondFactorRequired = "second_factor.required",
        SecondFactorWrong = "second_factor.wrong",
        SecondFactorNotStarted = "second_factor.not_started",
        SecondFactorNotEnabled = "second_factor.not_enabled",
        SecondFactorRequiredByPolicy = "second_factor.required_by_policy",
        SecondFactorEnrolmentRequired = "second_factor.enrolment_required",
        SecondFactorResetOwn = "second_factor.reset_own",
        MobileFormat = "mobile.format",
        UsernameFormat = "username.format",
        UsernameTaken = "username.taken",
        // The unified social credit code (GB 32100).
        CreditCodeFormat = "credit_code.format",
        CreditCodeCheckDigit = "credit_code.check_digit",
        // The resident ID number (GB 11643).
        IdNumberFormat = "id_number.format",
        IdNumberBirthDate = "id_number.birth_date",
        IdNumberCheckDigit = "id_number.check_digit",
        // A point whose map-sheet number (GB/T 13989) is asked for.
        MapSheetLatitude = "map_sheet.latitude",
        MapSheetLongitude = "map_sheet.longitude",
        TownshipUnknown = "township.unknown",
        // The role editor and staff creation.
        RoleUnknown = "role.unknown",
        RoleScope = "role.scope",
        RoleScopeTooWide = "role.scope_too_wide",
        RoleCodeFormat = "role.code_format",
        RoleCodeTaken = "role.code_taken",
        RolePermissions = "role.permissions",
        /// Permissions of two administrators' duties (system, security, audit) in one role.
        RoleDutiesCombined = "role.duties_combined",
        // Reporting an event and the steps of its loop.
        EventChannelUnknown = "event.channel_unknown",
        EventChannelNotAllowed = "event.channel_not_allowed",
        EventCategoryRequired = "event.category_required",
        EventCategoryUnknown = "event.category_unknown",
        EventPriorityUnknown = "event.priority_unknown",
        EventTitleRequired = "event.title_required",
        EventTitleTooLong = "event.title_too_long",
        EventDescriptionTooShort = "event.description_too_short",
        EventDescriptionTooLong = "event.description_too_long",
        EventLocationRequired = "event.location_required",
        EventLocationOutside = "event.location_outside",
        EventGpsUnavailable = "event.gps_unavailable",
        EventTooManyPhotos = "event.too_many_photos",
        EventClientRefInvalid = "event.client_ref_invalid",
        EventPhotoUnknown = "event.photo_unknown",
        EventResolutionRequired = "event.resolution_required",
        EventContactRequired = "event.contact_required",
        EventActionUnknown = "event.action_unknown",
        EventReasonRequired = "event.reason_required",
        EventAddressTooLong = "event.address_too_long",
        EventContactNameTooLong = "event.contact_name_too_long",
        EventNoteTooLong = "event.note_too_long",
        EventDepartmentRequired = "event.department_required",
        EventDepartmentUnknown = "event.department_unknown",
        EventAssigneeUnknown = "event.assignee_unknown",
        EventMergeTargetRequired = "event.merge_target_required",
        EventMergeTargetUnknown = "event.merge_target_unknown",
        EventMergeIntoItself = "event.merge_into_itself",
        EventMergeTargetFinished = "event.merge_target_finished",
        EventSatisfactionRequired = "event.satisfaction_required",
        EventStale = "event.stale",
        EventIllegalTransition = "event.illegal_transition",
        EventDuplicateDraft = "event.duplicate_draft",
        // Photo uploads.
        PhotoType = "photo.type",
        PhotoTooLarge = "photo.too_large",
        PhotoTooManyPixels = "photo.too_many_pixels",
        PhotoUnreadable = "photo.unreadable",
        PhotoRequired = "photo.required",
        PhotoMalformed = "photo.malformed",
        // Users.
        /// An administrator changing their own account's status (said as a plain conflict).
        UserOwnStatus = "user.own_status",
        /// An administrator resetting their own password (they change it on 修改密码).
        UserOwnPassword = "user.own_password",
        // Event categories (settings).
        CategoryName = "category.name",
        CategoryHours = "category.hours",
        CategoryCode = "category.code",
        CategoryCodeTaken = "category.code_taken",
        // The working calendar (settings).
        CalendarDay = "calendar.day",
        CalendarKind = "calendar.kind",
        CalendarName = "calendar.name",
        CalendarYear = "calendar.year",
        // The routing table (settings).
        RoutingVillageUnknown = "routing.village_unknown",
        RoutingGridOutsideVillage = "routing.grid_outside_village",
        RoutingDefaultRule = "routing.default_rule",
        // A register's fields (the module engine: shared/src/engine/value.rs).
        FieldUnknown = "field.unknown",
        FieldNotANumber = "field.not_a_number",
        FieldOutOfRange = "field.out_of_range",
        FieldTooPrecise = "field.too_precise",
        FieldNotADate = "field.not_a_date",
        FieldNotAChoice = "field.not_a_choice",
        FieldNotAReference = "field.not_a_reference",
        FieldNotAGeometry = "field.not_a_geometry",
        FieldTaken = "field.taken",
        // A register's records.
        RecordStale = "record.stale",
        RecordIllegalTransition = "record.illegal_transition",
        RecordReasonRequired = "record.reason_required",
        RecordAttachmentRequired = "record.attachment_required",
        RecordNotAnApprover = "record.not_an_approver",
        /// The record moved a running total (stock): it is corrected by another, not changed.
        RecordTallied = "record.tallied",
        /// The record would take a running total (stock) below zero.
        TallyInsufficient = "record.tally_insufficient",
        /// The village or grid is outside the user's data scope.
        RecordPlaceOutside = "record.place_outside",
        // A register's list.
        ListSortUnknown = "list.sort_unknown",
        ListCursorInvalid = "list.cursor_invalid",
        // A register's custom fields (shared/src/engine/custom.rs).
        CustomFieldKeyInvalid = "custom_field.key_invalid",
        CustomFieldKeyTaken = "custom_field.key_taken",
        CustomFieldOptionsInvalid = "custom_field.options_invalid",
        CustomFieldNotFilterable = "custom_field.not_filterable",
        CustomFieldTooMany = "custom_field.too_many",
        /// An option records may hold cannot be taken away from a choice (only added).
        CustomFieldOptionRemoved = "custom_field.option_removed",
        // A register's export and import (shared/src/engine/service/{export,import}.rs).
        ExportTooManyRows = "export.too_many_rows",
        ExportNoGeometry = "export.no_geometry",
        ImportFileRequired = "import.file_required",
        ImportTooLarge = "import.too_large",
        ImportMalformed = "import.malformed",
        ImportFormat = "import.format",
        ImportUnreadable = "import.unreadable",
        ImportEmpty = "import.empty",
        ImportTooManyRows = "import.too_many_rows",
        ImportColumnUnknown = "import.column_unknown",
        ImportColumnTwice = "import.column_twice",
        ImportColumnMissing = "import.column_missing",
        ImportAmbiguous = "import.ambiguous",
        ImportDuplicateInFile = "import.duplicate_in_file",
        /// A commit of an import whose preview found problems.
        ImportHasErrors = "import.has_errors",
        /// A commit of an import already committed (or running).
        ImportNotPending = "import.not_pending",
        /// The database refused a record at the commit (nothing was written).
        ImportRefused = "import.refused",
        /// The process writing an import stopped before its end (nothing was written).
        ImportAbandoned = "import.abandoned",
        /// A clean preview was not committed in time; its file is dropped.
        ImportExpired = "import.expired",
        // A delegation while away (engine/delegation.rs).
        /// The colleague is not an active staff member of the township (or is the user).
        DelegationDelegateUnknown = "delegation.delegate_unknown",
        DelegationStartPast = "delegation.start_past",
        /// Starts more than a year ahead.
        DelegationTooFar = "delegation.too_far",
        /// Ends before it starts.
        DelegationOrder = "delegation.order",
        /// Longer than ninety days.
        DelegationTooLong = "delegation.too_long",
        /// Overlaps another delegation of the same approver.
        DelegationOverlap = "delegation.overlap",
        /// Ended or revoked already.
        DelegationOver = "delegation.over",
        // A register's history retention (engine/retention.rs).
        RetentionOnlineRange = "retention.online_range",
        RetentionKeptRange = "retention.kept_range",
        /// Kept fewer years than it stays online.
        RetentionKeptShort = "retention.kept_short",
        // A run-time register (engine/runtime.rs).
        /// Not lower-case ASCII letters, digits and `_` from a letter, or too long.
        RegisterNameInvalid = "register.name_invalid",
        RegisterNameTaken = "register.name_taken",
        RegisterTooMany = "register.too_many",
        // API keys of other systems (credentials.rs).
        /// The call needs a key and has none.
        ApiKeyRequired = "api_key.required",
        /// Unknown, wrong, revoked or expired: one answer for all.
        ApiKeyInvalid = "api_key.invalid",
        /// The key is not issued for this use.
        ApiKeyScope = "api_key.scope",
        ApiKeyScopesRequired = "api_key.scopes_required",
        ApiKeyRateRange = "api_key.rate_range",
        ApiKeyExpiryPast = "api_key.expiry_past",
        ApiKeyExpiryTooFar = "api_key.expiry_too_far",
        /// A granted dataset is unknown, a child table, or not to be shared (不予共享).
        ApiKeyDatasetNotShared = "api_key.dataset_not_shared",
        /// Datasets are granted to a key that may not read registers.
        ApiKeyDatasetsNeedScope = "api_key.datasets_need_scope",
        /// The village is not one of the township's.
        ApiKeyVillageUnknown = "api_key.village_unknown",
        // The Open311 GeoReport v2 channel (open311/).
        Open311ServiceUnknown = "open311.service_unknown",
        Open311RequestUnknown = "open311.request_unknown",
        /// The path's extension is neither `.json` nor `.xml`.
        Open311FormatUnknown = "open311.format_unknown",
        Open311JurisdictionUnknown = "open311.jurisdiction_unknown",
        /// Several townships are served and the call names none.
        Open311JurisdictionRequired = "open311.jurisdiction_required",
        /// An address alone cannot be placed on a grid: `lat` and `long` are needed.
        Open311LocationRequired = "open311.location_required",
        Open311NumberInvalid = "open311.number_invalid",
        Open311CoordinateRange = "open311.coordinate_range",
        Open311DateInvalid = "open311.date_invalid",
        Open311DateOrder = "open311.date_order",
        Open311StatusUnknown = "open311.status_unknown",
        Open311TooManyIds = "open311.too_many_ids",
        Open311PageSizeRange = "open311.page_size_range",
        Open311AttributeUnknown = "open311.attribute_unknown",
        Open311AttributeRequired = "open311.attribute_required",
        /// Not a value of the attribute's datatype (a number, a date and time).
        Open311AttributeInvalid = "open311.attribute_invalid",
        /// Not one of the list's keys.
        Open311AttributeChoice = "open311.attribute_choice",
        Open311MediaUrlInvalid = "open311.media_url_invalid",
        Open311EmailInvalid = "open311.email_invalid",
        // The exchange with upper-level platforms (exchange/).
        ExchangePeerUnknown = "exchange.peer_unknown",
        ExchangeMalformed = "exchange.malformed",
        ExchangeStale = "exchange.stale",
        ExchangeSignature = "exchange.signature",
        /// A nonce already used within the window: a replayed request.
        ExchangeReplay = "exchange.replay",
        ExchangeCategoryUnknown = "exchange.category_unknown",
        /// A peer's code: a lower-case letter, then 1–31 letters, digits, `_` or `-`.
        ExchangePeerCodeInvalid = "exchange.peer_code_invalid",
        /// The code is another township's peer.
        ExchangePeerCodeTaken = "exchange.peer_code_taken",
        ExchangeEndpointInvalid = "exchange.endpoint_invalid",
        /// A line of the category mapping is not `their code = our code`.
        ExchangeCategoriesFormat = "exchange.categories_format",
        ExchangeAttemptsRange = "exchange.attempts_range",
        ExchangeSecretLength = "exchange.secret_length",
        ExchangePriorityUnknown = "exchange.priority_unknown",
        // The data-sharing API (sharing/).
        SharingKeyRequired = "sharing.key_required",
        SharingSinceFormat = "sharing.since_format",
        SharingCursorInvalid = "sharing.cursor_invalid",
        SharingLimitRange = "sharing.limit_range",
        SharingDimensionUnknown = "sharing.dimension_unknown",
        /// A query parameter the path does not take: refused, so a misspelt filter never
        /// returns everything.
        SharingParameterUnknown = "sharing.parameter_unknown",
        /// No such dataset, or one the key may not read.
        SharingDatasetUnknown = "sharing.dataset_unknown",
        // 在线用户 (accounts/service/online.rs).
        /// No live session of the township has this handle.
        SessionUnknown = "session.unknown",
        // Backups and restore drills (operations/backup.rs).
        /// Another backup or drill is running.
        BackupBusy = "backup.busy",
        /// This server has no backup directory.
        BackupNotConfigured = "backup.not_configured",
        // A category's attributes (events/attributes.rs).
        AttributeCodeInvalid = "attribute.code_invalid",
        AttributeCodeTaken = "attribute.code_taken",
        AttributeChoicesInvalid = "attribute.choices_invalid",
        AttributeTooMany = "attribute.too_many",
        // Stations and their readings (sensing/).
        SensingStationCodeInvalid = "sensing.station_code_invalid",
        /// The body is not the readings' JSON: a bad request (400).
        SensingMalformed = "sensing.malformed",
        SensingTooMany = "sensing.too_many",
        SensingStationUnknown = "sensing.station_unknown",
        SensingMeasurandUnknown = "sensing.measurand_unknown",
        SensingValueImplausible = "sensing.value_implausible",
        SensingTimeOutOfRange = "sensing.time_out_of_range",
        // Indicators and alarm rules (sensing/indicators.rs): what their fields ask of each other.
        SensingIndicatorStationRequired = "sensing.indicator_station_required",
        SensingIndicatorStationUnused = "sensing.indicator_station_unused",
        SensingLevelRequired = "sensing.level_required",
        SensingDirectionRequired = "sensing.direction_required",
        SensingLevelsOrder = "sensing.levels_order",
        SensingEventCategoryRequired = "sensing.event_category_required",
        SensingEventFromRequired = "sensing.event_from_required",
    }
}

impl ErrorCode {
    /// The request or file was over its size limit (413 at REST endpoints).
    pub fn is_too_large(self) -> bool {
        matches!(self, ErrorCode::RequestTooLarge | ErrorCode::PhotoTooLarge | ErrorCode::ImportTooLarge)
    }

    /// The body did not parse (a broken multipart upload): a bad request (400), not a
    /// refused value.
    pub fn is_malformed(self) -> bool {
        matches!(
            self,
            ErrorCode::PhotoMalformed
                | ErrorCode::ImportMalformed
                | ErrorCode::ExchangeMalformed
                | ErrorCode::SensingMalformed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_text() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert_eq!(code.i18n_key(), format!("errors.{}", code.as_str()));
        }
        assert_eq!(ErrorCode::EventStale.as_str(), "event.stale");
        assert_eq!(ErrorCode::parse("event.nonsense"), None);
    }

    #[test]
    fn codes_cross_the_wire_as_their_text() {
        let json = serde_json::to_string(&ErrorCode::PasswordTooShort).expect("serializes");
        assert_eq!(json, r#""password.too_short""#);
        assert_eq!(serde_json::from_str::<ErrorCode>(&json).expect("deserializes"), ErrorCode::PasswordTooShort);
    }

    #[test]
    fn size_and_parse_failures_are_told_apart() {
        let too_large: Vec<_> = ErrorCode::ALL.iter().filter(|c| c.is_too_large()).map(|c| c.as_str()).collect();
        assert!(too_large.iter().all(|c| c.ends_with("too_large")));
        assert_eq!(too_large.len(), ErrorCode::ALL.iter().filter(|c| c.as_str().ends_with("too_large")).count());
        let malformed: Vec<_> = ErrorCode::ALL.iter().filter(|c| c.is_malformed()).map(|c| c.as_str()).collect();
        assert_eq!(
            malformed,
            ErrorCode::ALL.iter().map(|c| c.as_str()).filter(|c| c.ends_with(".malformed")).collect::<Vec<_>>()
        );
    }
}
