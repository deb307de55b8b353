crate::code_enum::code_enum! {
    /// What an audit record records. The text form is stored in `audit_log.action` and names
    /// the record's translation (`audit.actions.<code>`): a new action is added here once and
    /// is at once checked for its texts.
    pub enum AuditAction in "audit.actions" {
        Login = "auth.login",
        LoginFailed = "auth.login_failed",
        Locked = "auth.locked",
        Logout = "auth.logout",
        /// A logged-in user refused for a permission or data scope they lack (403).
        Denied = "auth.denied",
        PasswordChange = "password.change",
        /// A password change with a wrong current password.
        PasswordChangeFailed = "password.change_failed",
        RegisterPublic = "user.register_public",
        RegisterEnterprise = "user.register_enterprise",
        CreateStaff = "user.create_staff",
        SetUserStatus = "user.set_status",
        /// The system administrator gave an account a temporary password.
        ResetPassword = "user.reset_password",
        CreateRole = "role.create",
        EndSession = "session.end",
        IssueApiKey = "apikey.issue",
        RevokeApiKey = "apikey.revoke",
        ExchangeRetry = "exchange.retry",
        PeerSave = "exchange.peer_save",
        PeerStop = "exchange.peer_stop",
        Backup = "ops.backup",
        Drill = "ops.drill",
        /// Data leaving the platform: a list exported as CSV, Excel or GeoJSON.
        Export = "data.export",
        /// A resident's ID or mobile number shown in the clear (the resident the target, the
        /// column the detail).
        RevealPersonal = "personal.reveal",
        SetCalendar = "calendar.set",
        SaveCategory = "category.save",
        SaveCategoryAttribute = "category.attribute.save",
        RemoveCategoryAttribute = "category.attribute.remove",
        SaveRouting = "routing.save",
        DeleteRouting = "routing.delete",
        AddCustomField = "custom_field.add",
        ChangeCustomField = "custom_field.change",
        RetireCustomField = "custom_field.retire",
        ReinstateCustomField = "custom_field.reinstate",
        CreateDelegation = "delegation.create",
        RevokeDelegation = "delegation.revoke",
        CreateRecord = "record.create",
        EditRecord = "record.edit",
        DeleteRecord = "record.delete",
        RestoreRecord = "record.restore",
        StepRecord = "record.step",
        ApproveRecord = "record.approve",
        CreateRegister = "register.create",
        RetitleRegister = "register.retitle",
        SetRetention = "register.retention",
        /// The auditor read a page of the log (the search and page in the detail).
        ReadAudit = "audit.read",
        /// The auditor checked the chain (the outcome in the detail).
        VerifyAudit = "audit.verify",
        /// Records past the retention moved to the archive (how many, and the cut-off, in the
        /// detail).
        ArchiveAudit = "audit.archive",
        /// A call to the data-sharing API with a key (the key's name the actor, the path the
        /// target, the answer's status and rows the detail).
        ShareData = "sharing.call",
        /// A step of an event's loop that changed its state (the event's number is the
        /// target; the step, from and to states the detail).
        EventStep = "event.step",
        /// A user enrolled a second factor, or took theirs away.
        EnableSecondFactor = "second_factor.enable",
        DisableSecondFactor = "second_factor.disable",
        /// A user made a new set of recovery codes; a login spent one (detail: how many left).
        RenewRecoveryCodes = "second_factor.recovery_renew",
        UseRecoveryCode = "second_factor.recovery_use",
        /// The security administrator took away the second factor of a user who lost theirs.
        ResetSecondFactor = "second_factor.reset",
    }
}

crate::code_enum::code_enum! {
    /// How an audited action ended, as the auditor searches by it. Read from the action
    /// (`AuditAction::outcome`): a failure and a refusal are actions of their own.
    pub enum AuditOutcome in "audit.outcomes" {
        Success = "success",
        /// A wrong password, a lockout: the caller tried and failed.
        Failure = "failure",
        /// A logged-in caller refused for a permission or a data scope.
        Denied = "denied",
    }
}

impl AuditAction {
    pub const fn outcome(self) -> AuditOutcome {
        match self {
            Self::LoginFailed | Self::Locked | Self::PasswordChangeFailed => AuditOutcome::Failure,
            Self::Denied => AuditOutcome::Denied,
            _ => AuditOutcome::Success,
        }
    }
}

impl AuditOutcome {
    /// The actions that end this way.
    pub fn actions(self) -> impl Iterator<Item = AuditAction> {
        AuditAction::ALL.iter().copied().filter(move |action| action.outcome() == self)
    }
}
