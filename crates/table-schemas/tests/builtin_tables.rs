//! The built-in table schemas: well-formed, time-bearing, and matching Microsoft's documents
//! column by column where spot-checked. Each expected type below was read off the document
//! the table's `source` names.

use std::collections::HashSet;
use table_schemas::{ScalarType, builtin_table, builtin_tables};

use ScalarType::{Bool, DateTime, Dynamic, Guid, Int, Long, Real, String as Str};

#[test]
fn there_are_many_tables_and_each_name_is_unique() {
    let tables = builtin_tables();
    assert!(tables.len() >= 200, "{} tables", tables.len());
    let mut seen = HashSet::new();
    for t in tables {
        assert!(seen.insert(t.name.as_str()), "{} defined twice", t.name);
    }
}

#[test]
fn no_table_lists_a_column_twice_even_in_another_case() {
    // KQL column names are case-sensitive, and AzureDiagnostics really has both spellings:
    // its reference page lists them.
    let documented_pairs = [("AzureDiagnostics", "clientip_s")];
    for t in builtin_tables() {
        let mut seen = HashSet::new();
        for c in &t.columns {
            let lower = c.name.to_ascii_lowercase();
            if documented_pairs.contains(&(t.name.as_str(), lower.as_str())) {
                continue;
            }
            assert!(
                seen.insert(lower),
                "{}: column {} listed twice",
                t.name,
                c.name
            );
        }
    }
}

#[test]
fn every_table_has_a_time_column() {
    for t in builtin_tables() {
        let time = ["TimeGenerated", "Timestamp"]
            .iter()
            .any(|n| t.column(n).is_some_and(|c| c.ty == DateTime));
        assert!(
            time,
            "{} has no datetime TimeGenerated or Timestamp",
            t.name
        );
    }
}

#[test]
fn every_table_names_its_source_document() {
    for t in builtin_tables() {
        let repo = t.source.starts_with("MicrosoftDocs/defender-docs ")
            || t.source.starts_with("MicrosoftDocs/azure-reference-other ");
        assert!(repo && t.source.contains(".md"), "{}: {}", t.name, t.source);
    }
}

#[test]
fn streamed_defender_tables_carry_the_sentinel_columns() {
    for name in [
        "DeviceProcessEvents",
        "DeviceNetworkEvents",
        "DeviceFileEvents",
        "DeviceEvents",
        "DeviceLogonEvents",
        "DeviceRegistryEvents",
        "DeviceImageLoadEvents",
        "DeviceFileCertificateInfo",
        "DeviceNetworkInfo",
    ] {
        let t = builtin_table(name).expect("built in");
        for col in [
            "Timestamp",
            "TenantId",
            "TimeGenerated",
            "SourceSystem",
            "MachineGroup",
            "Type",
        ] {
            assert!(t.column(col).is_some(), "{name} lacks {col}");
        }
    }
}

fn check(name: &str, expected: &[(&str, ScalarType)]) {
    let t = builtin_table(name);
    assert!(t.is_some(), "{name} is not built in");
    let Some(t) = t else { return };
    for (col, ty) in expected {
        assert_eq!(t.column(col).map(|c| c.ty), Some(*ty), "{name}.{col}");
    }
}

#[test]
fn defender_device_tables_match_the_docs() {
    // DeviceProcessEvents: Defender order, Sentinel columns after it.
    let dpe = builtin_table("DeviceProcessEvents").expect("built in");
    // Standard Log Analytics columns (`_ItemId`, ...) are appended after the documented ones.
    let names: Vec<&str> = dpe
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !n.starts_with('_'))
        .collect();
    assert_eq!(
        names[..6],
        [
            "Timestamp",
            "DeviceId",
            "DeviceName",
            "ActionType",
            "FileName",
            "FolderPath"
        ]
    );
    assert_eq!(
        names[names.len() - 5..],
        [
            "TenantId",
            "TimeGenerated",
            "SourceSystem",
            "MachineGroup",
            "Type"
        ]
    );
    check(
        "DeviceProcessEvents",
        &[
            ("LogonId", Long),
            ("ProcessCreationTime", DateTime),
            ("IsProcessRemoteSession", Bool),
            ("AdditionalFields", Dynamic),
        ],
    );
    // DeviceNetworkEvents: the doc has no InitiatingProcessLogonId or signer columns, and
    // lists InitiatingProcessParentFileName before InitiatingProcessParentId.
    let dne = builtin_table("DeviceNetworkEvents").expect("built in");
    assert!(dne.column("InitiatingProcessLogonId").is_none());
    assert!(dne.column("InitiatingProcessSignerType").is_none());
    assert_eq!(
        dne.index_of("InitiatingProcessParentFileName")
            .map(|i| i + 1),
        dne.index_of("InitiatingProcessParentId")
    );
    check(
        "DeviceNetworkEvents",
        &[
            ("RemotePort", Int),
            ("LocalPort", Int),
            ("RemoteIPType", Str),
            ("IsInitiatingProcessRemoteSession", Bool),
        ],
    );
    check(
        "DeviceLogonEvents",
        &[
            ("LogonType", Str),
            ("IsLocalAdmin", Bool),
            ("RemotePort", Int),
            ("FailureReason", Str),
            ("AdditionalFields", Dynamic),
        ],
    );
    check(
        "DeviceFileEvents",
        &[
            ("FileOriginReferrerUrl", Str),
            ("RequestSourcePort", Int),
            ("IsAzureInfoProtectionApplied", Bool),
            ("FileSize", Long),
        ],
    );
    check(
        "DeviceRegistryEvents",
        &[
            ("RegistryValueType", Str),
            ("PreviousRegistryValueData", Str),
            ("InitiatingProcessId", Long),
        ],
    );
    check(
        "DeviceImageLoadEvents",
        &[("SHA1", Str), ("InitiatingProcessCreationTime", DateTime)],
    );
    check(
        "DeviceEvents",
        &[
            ("RemoteDeviceName", Str),
            ("RegistryValueData", Str),
            ("FileOriginIP", Str),
            ("LocalPort", Int),
        ],
    );
    check(
        "DeviceInfo",
        &[
            ("OSBuild", Long),
            ("IsAzureADJoined", Bool),
            ("LoggedOnUsers", Dynamic),
            ("DeviceObjectId", Str),
        ],
    );
    check(
        "DeviceNetworkInfo",
        &[("IPAddresses", Dynamic), ("MacAddress", Str)],
    );
    check(
        "DeviceFileCertificateInfo",
        &[
            ("IsSigned", Bool),
            ("CertificateExpirationTime", DateTime),
            ("IsRootSignerMicrosoft", Bool),
        ],
    );
    check(
        "DeviceTvmSoftwareVulnerabilities",
        &[("CveId", Str), ("CveTags", Dynamic)],
    );
    check(
        "DeviceTvmSoftwareVulnerabilitiesKB",
        &[
            ("CvssScore", Real),
            ("IsExploitAvailable", Bool),
            ("PublishedDate", DateTime),
        ],
    );
    check(
        "DeviceTvmSecureConfigurationAssessment",
        &[("ConfigurationImpact", Real), ("Context", Dynamic)],
    );
    check(
        "DeviceTvmInfoGathering",
        &[("LastSeenTime", DateTime), ("AdditionalFields", Dynamic)],
    );
}

#[test]
fn defender_email_identity_and_cloud_tables_match_the_docs() {
    check(
        "EmailEvents",
        &[
            ("RecipientEmailAddress", Str),
            ("EmailClusterId", Long),
            ("BulkComplaintLevel", Int),
            ("AttachmentCount", Int),
            ("ReportId", Str),
        ],
    );
    check(
        "EmailAttachmentInfo",
        &[("FileSize", Long), ("SHA256", Str)],
    );
    check("EmailUrlInfo", &[("UrlLocation", Str), ("UrlDomain", Str)]);
    check(
        "EmailPostDeliveryEvents",
        &[("ActionTrigger", Str), ("DeliveryLocation", Str)],
    );
    check(
        "UrlClickEvents",
        &[("IsClickedThrough", Bool), ("Workload", Str)],
    );
    // Sentinel's form (azure-monitor-ref) types the identity ports as string and spells ISP.
    check(
        "IdentityLogonEvents",
        &[
            ("Port", Str),
            ("DestinationPort", Str),
            ("ISP", Str),
            ("AdditionalFields", Dynamic),
        ],
    );
    assert!(
        builtin_table("IdentityLogonEvents")
            .expect("built in")
            .column("Isp")
            .is_none()
    );
    check(
        "IdentityQueryEvents",
        &[("QueryType", Str), ("TargetAccountUpn", Str)],
    );
    check("IdentityDirectoryEvents", &[("ISP", Str), ("Port", Str)]);
    check("AlertInfo", &[("AttackTechniques", Str), ("Severity", Str)]);
    check(
        "AlertEvidence",
        &[
            ("EvidenceRole", Str),
            ("ApplicationId", Int),
            ("AdditionalFields", Dynamic),
        ],
    );
    check(
        "CloudAppEvents",
        &[
            ("ApplicationId", Int),
            ("IsAdminOperation", Bool),
            ("RawEventData", Dynamic),
            ("ISP", Str),
        ],
    );
    check(
        "AADSignInEventsBeta",
        &[
            ("ErrorCode", Int),
            ("RiskLevelAggregated", Int),
            ("IsGuestUser", Bool),
        ],
    );
    check(
        "AADSpnSignInEventsBeta",
        &[("IsManagedIdentity", Bool), ("ServicePrincipalId", Str)],
    );
    check(
        "EntraIdSignInEvents",
        &[("EntraIdDeviceId", Str), ("ConditionalAccessStatus", Int)],
    );
    check(
        "BehaviorInfo",
        &[("StartTime", DateTime), ("DataSources", Str)],
    );
    check(
        "BehaviorEntities",
        &[("EntityType", Str), ("FileSize", Long)],
    );
    check(
        "ExposureGraphNodes",
        &[("NodeProperties", Dynamic), ("NodeLabel", Str)],
    );
    check(
        "ExposureGraphEdges",
        &[("EdgeLabel", Str), ("TargetNodeCategories", Dynamic)],
    );
    check(
        "CloudProcessEvents",
        &[("KubernetesPodName", Str), ("ProcessId", Long)],
    );
    check("AIAgentsInfo", &[("AIAgentId", Guid)]);
    // Sentinel's IdentityInfo (UEBA), not Defender's.
    check(
        "IdentityInfo",
        &[
            ("AccountUPN", Str),
            ("AssignedRoles", Dynamic),
            ("IsAccountEnabled", Bool),
        ],
    );
}

#[test]
fn azure_monitor_tables_match_the_reference() {
    check(
        "AKSAudit",
        &[
            ("AuditId", Str),
            ("Verb", Str),
            ("RequestUri", Str),
            ("User", Dynamic),
            ("SourceIps", Dynamic),
            ("ObjectRef", Dynamic),
            ("ResponseStatus", Dynamic),
            ("RequestObject", Dynamic),
            ("RequestReceivedTime", DateTime),
            ("PodName", Str),
            ("_ResourceId", Str),
        ],
    );
    check("AKSAuditAdmin", &[("Verb", Str), ("User", Dynamic)]);
    check("AKSControlPlane", &[("Category", Str), ("Message", Str)]);
    check(
        "SecurityEvent",
        &[
            ("EventID", Int),
            ("Account", Str),
            ("CommandLine", Str),
            ("LogonType", Int),
            ("IpAddress", Str),
        ],
    );
    check(
        "SigninLogs",
        &[
            ("ResultType", Str),
            ("LocationDetails", Dynamic),
            ("Status", Dynamic),
            ("ConditionalAccessStatus", Str),
        ],
    );
    check(
        "AADNonInteractiveUserSignInLogs",
        &[("LocationDetails", Str), ("Status", Str)],
    );
    check(
        "AADServicePrincipalSignInLogs",
        &[("ServicePrincipalId", Str), ("ResultType", Str)],
    );
    check("AADManagedIdentitySignInLogs", &[("ResultType", Str)]);
    check(
        "AuditLogs",
        &[
            ("OperationName", Str),
            ("TargetResources", Dynamic),
            ("InitiatedBy", Dynamic),
        ],
    );
    check(
        "CommonSecurityLog",
        &[
            ("DeviceVendor", Str),
            ("SourceIP", Str),
            ("DestinationPort", Int),
        ],
    );
    check(
        "Syslog",
        &[
            ("Facility", Str),
            ("SyslogMessage", Str),
            ("ProcessID", Int),
        ],
    );
    check(
        "OfficeActivity",
        &[("Operation", Str), ("UserId", Str), ("ClientIP", Str)],
    );
    check(
        "AzureActivity",
        &[
            ("OperationNameValue", Str),
            ("Caller", Str),
            ("Properties_d", Dynamic),
        ],
    );
    check(
        "SecurityAlert",
        &[
            ("AlertName", Str),
            ("Entities", Str),
            ("ConfidenceScore", Real),
            ("IsIncident", Bool),
            ("SourceSystem", Str),
        ],
    );
    check(
        "SecurityIncident",
        &[
            ("IncidentNumber", Int),
            ("AlertIds", Dynamic),
            ("Labels", Dynamic),
        ],
    );
    check(
        "ThreatIntelligenceIndicator",
        &[
            ("NetworkIP", Str),
            ("ConfidenceScore", Real),
            ("ExpirationDateTime", DateTime),
            ("Active", Bool),
        ],
    );
    check(
        "ThreatIntelIndicators",
        &[("Pattern", Str), ("Confidence", Int), ("Data", Dynamic)],
    );
    check(
        "Event",
        &[
            ("EventID", Int),
            ("EventData", Str),
            ("RenderedDescription", Str),
        ],
    );
    check(
        "WindowsEvent",
        &[("EventData", Dynamic), ("EventID", Int), ("Channel", Str)],
    );
    check(
        "W3CIISLog",
        &[
            ("scStatus", Str),
            ("csUriStem", Str),
            ("sPort", Int),
            ("TimeTaken", Long),
        ],
    );
    check(
        "DnsEvents",
        &[("Name", Str), ("QueryType", Str), ("EventId", Int)],
    );
    check(
        "AWSCloudTrail",
        &[
            ("EventName", Str),
            ("SourceIpAddress", Str),
            ("RequestParameters", Str),
        ],
    );
    check(
        "BehaviorAnalytics",
        &[
            ("ActivityInsights", Dynamic),
            ("InvestigationPriority", Int),
        ],
    );
    check(
        "VMConnection",
        &[
            ("RemoteIp", Str),
            ("BytesSent", Long),
            ("DestinationPort", Int),
        ],
    );
    check("Heartbeat", &[("Computer", Str), ("OSType", Str)]);
    check(
        "Watchlist",
        &[
            ("SearchKey", Str),
            ("WatchlistItem", Dynamic),
            ("WatchlistAlias", Str),
        ],
    );
    check(
        "AzureDiagnostics",
        &[
            ("ResourceType", Str),
            ("Resource", Str),
            ("ResultType", Str),
            ("DurationMs", Long),
            ("AdditionalFields", Dynamic),
            ("TimeGenerated", DateTime),
        ],
    );
    check(
        "Anomalies",
        &[
            ("Score", Real),
            ("Entities", Dynamic),
            ("AnomalyReasons", Dynamic),
        ],
    );
    check(
        "ASimProcessEventLogs",
        &[("EventStartTime", DateTime), ("TargetProcessId", Str)],
    );
}

#[test]
fn log_analytics_tables_carry_tenant_id() {
    for name in [
        "SigninLogs",
        "AuditLogs",
        "Syslog",
        "Event",
        "Heartbeat",
        "SecurityAlert",
    ] {
        check(name, &[("TenantId", Str), ("TimeGenerated", DateTime)]);
    }
}

#[test]
fn billing_metadata_columns_are_left_out() {
    for t in builtin_tables() {
        assert!(t.column("_BilledSize").is_none(), "{}", t.name);
        assert!(t.column("_IsBillable").is_none(), "{}", t.name);
    }
}
