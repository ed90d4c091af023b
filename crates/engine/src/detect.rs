//! Which YAML files are postmortems (others are left to yaml-language-server).

use std::path::Path;

/// A YAML file is a postmortem when it is named `postmortem.yaml`/`.yml`,
/// matches `*.postmortem.yaml`/`.yml`, sits under a `postmortems/` folder, or
/// has a top-level `incident_ref` key.
pub fn is_postmortem(path: &Path, text: Option<&str>) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if !yaml {
        return false;
    }
    if matches!(name.as_str(), "postmortem.yaml" | "postmortem.yml")
        || name.ends_with(".postmortem.yaml")
        || name.ends_with(".postmortem.yml")
    {
        return true;
    }
    if path
        .parent()
        .is_some_and(|p| p.components().any(|c| c.as_os_str() == "postmortems"))
    {
        return true;
    }
    text.is_some_and(has_incident_ref)
}

/// A line `incident_ref:` at column 0.
pub fn has_incident_ref(text: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("incident_ref:")
            || l.starts_with("\"incident_ref\":")
            || l.starts_with("'incident_ref':")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(is_postmortem(Path::new("a/postmortem.yaml"), None));
        assert!(is_postmortem(Path::new("a/inc-1.postmortem.yml"), None));
        assert!(is_postmortem(
            Path::new("repo/postmortems/2026/inc.yaml"),
            None
        ));
        assert!(is_postmortem(
            Path::new("x.yaml"),
            Some("incident_ref: INC-1\n")
        ));
        assert!(!is_postmortem(
            Path::new("x.yaml"),
            Some("  incident_ref: nested\n")
        ));
        assert!(!is_postmortem(
            Path::new(".github/workflows/ci.yaml"),
            Some("on: push\n")
        ));
        assert!(!is_postmortem(Path::new("postmortem.md"), None));
    }
}
