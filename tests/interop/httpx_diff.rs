//! The scenarios of `httpx/scenarios.json` run through xhttp (both flavours) and through
//! Python httpx (`httpx/run.py`, in the peers' venv) against the same httpbin; the fields
//! each scenario names are compared one by one. A scenario marked with a `difference`
//! must differ, and that difference must be listed in docs/DIFFERENCES.md.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use xhttp::{AsyncClient, Client, DigestAuth, Method, Multipart, Part};
use xhttp_testkit::peers;

const SCENARIOS: &str = include_str!("httpx/scenarios.json");

#[derive(Debug, Deserialize)]
struct Scenario {
    name: String,
    method: String,
    path: String,
    #[serde(default)]
    params: Option<Vec<(String, String)>>,
    #[serde(default)]
    form: Option<Vec<(String, String)>>,
    #[serde(default)]
    data: Option<Vec<(String, String)>>,
    #[serde(default)]
    files: Option<Vec<(String, String, String, String)>>,
    #[serde(default)]
    json: Option<Value>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    basic: Option<(String, String)>,
    #[serde(default)]
    digest: Option<(String, String)>,
    #[serde(default)]
    follow: bool,
    #[serde(default)]
    then: Option<String>,
    compare: Vec<String>,
    /// Fields that differ on purpose, with the marker of the difference in
    /// docs/DIFFERENCES.md.
    #[serde(default)]
    differs: Vec<String>,
    #[serde(default)]
    difference: Option<String>,
}

fn base() -> String {
    format!("http://{}", peers::httpbin())
}

fn scenarios() -> Vec<Scenario> {
    serde_json::from_str(SCENARIOS).expect("scenarios.json is valid")
}

/// The builder of one scenario, for either client.
macro_rules! build {
    ($client:expr, $scenario:expr) => {{
        let scenario: &Scenario = $scenario;
        let method = Method::from_bytes(scenario.method.as_bytes()).expect("a method");
        let mut request = $client
            .request(method, format!("{}{}", base(), scenario.path))
            .follow_redirects(scenario.follow);
        for (name, value) in &scenario.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(params) = &scenario.params {
            request = request.query(params);
        }
        if let Some(form) = &scenario.form {
            request = request.form(form);
        }
        if let Some(files) = &scenario.files {
            let mut multipart = Multipart::new();
            for (name, value) in scenario.data.iter().flatten() {
                multipart = multipart.text(name.clone(), value.clone());
            }
            for (name, filename, content, kind) in files {
                let part = Part::bytes(content.clone())
                    .file_name(filename.clone())
                    .mime(kind.clone());
                multipart = multipart.part(name.clone(), part);
            }
            request = request.multipart(multipart);
        }
        if let Some(value) = &scenario.json {
            request = request.json(value);
        }
        if let Some(body) = &scenario.body {
            request = request.body(body.clone());
        }
        if let Some((user, password)) = &scenario.basic {
            request = request.basic_auth(user.clone(), password.clone());
        }
        if let Some((user, password)) = &scenario.digest {
            request = request.auth(DigestAuth::new(user.clone(), password.clone()));
        }
        request
    }};
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The fields httpx/run.py prints, from an xhttp response (either flavour).
fn describe<F: xhttp::Flavor>(response: xhttp::response::Response<F>) -> Value {
    let content = response.content().expect("read").clone();
    let text = response.text().expect("text");
    let header = |name: &str| response.headers().get(name).map(|value| value.into_owned());
    let mut result = json!({
        "status": response.status().as_u16(),
        "url": response.url().map(ToString::to_string),
        "history": response.history().iter().map(|hop| hop.status().as_u16()).collect::<Vec<_>>(),
        "location": header("location"),
        "content_range": header("content-range"),
        "body_sha256": sha256(&content),
        "text_sha256": sha256(text.as_bytes()),
        "encoding": response.encoding().name().to_ascii_lowercase(),
        "line_count": text.lines().count(),
        "raise": null,
        "json": serde_json::from_slice::<Value>(&content).ok(),
    });
    if let Err(error) = response.raise_for_status() {
        let message = error.message().unwrap_or_default();
        let first = message.lines().next().unwrap_or_default();
        result["raise"] = json!(first.split(" for url ").next().unwrap_or_default());
    }
    result
}

fn run_blocking(scenario: &Scenario) -> Value {
    let client = Client::new();
    let response = build!(client, scenario)
        .send()
        .unwrap_or_else(|error| panic!("{}: {error}", scenario.name));
    match &scenario.then {
        Some(then) => describe(
            client
                .get(format!("{}{then}", base()))
                .send()
                .expect("then"),
        ),
        None => describe(response),
    }
}

async fn run_async(scenario: &Scenario) -> Value {
    let client = AsyncClient::new();
    let response = build!(client, scenario)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{}: {error}", scenario.name));
    match &scenario.then {
        Some(then) => describe(
            client
                .get(format!("{}{then}", base()))
                .send()
                .await
                .expect("then"),
        ),
        None => describe(response),
    }
}

fn run_httpx() -> BTreeMap<String, Value> {
    let python = peers::state_dir().join("venv/bin/python");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/httpx/run.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg(base())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("scripts/peers start installs Python httpx in .peers/venv");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(SCENARIOS.as_bytes())
            .expect("write the scenarios");
    }
    let output = child.wait_with_output().expect("httpx ran");
    assert!(output.status.success(), "httpx/run.py failed");
    serde_json::from_slice(&output.stdout).expect("httpx/run.py prints JSON")
}

/// The value at a dotted path (`json.headers.Accept`).
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |value, key| value.get(key).unwrap_or(&Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xhttp_matches_httpx_on_every_scenario() {
    let expected = tokio::task::spawn_blocking(run_httpx)
        .await
        .expect("httpx ran");
    let differences =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/DIFFERENCES.md"))
            .expect("docs/DIFFERENCES.md");
    let mut report = Vec::new();
    let scenarios = scenarios();
    for scenario in &scenarios {
        let theirs = &expected[&scenario.name];
        let async_ours = run_async(scenario).await;
        let blocking_ours = tokio::task::block_in_place(|| run_blocking(scenario));
        for field in scenario.compare.iter().chain(&scenario.differs) {
            let (ours, async_value, their) = (
                at(&blocking_ours, field),
                at(&async_ours, field),
                at(theirs, field),
            );
            assert_eq!(
                ours, async_value,
                "{}: {field} differs between the two xhttp flavours",
                scenario.name
            );
            let should_differ = scenario.differs.contains(field);
            if !should_differ && ours != their {
                report.push(format!(
                    "{} / {field}: xhttp {ours} vs httpx {their}",
                    scenario.name
                ));
            }
            if should_differ {
                let marker = scenario.difference.as_deref().unwrap_or("(none)");
                if ours == their {
                    report.push(format!(
                        "{} / {field}: expected the documented difference '{marker}'",
                        scenario.name
                    ));
                }
                assert!(
                    differences.contains(&format!("<!-- {marker} -->")),
                    "difference '{marker}' is not listed in docs/DIFFERENCES.md"
                );
            }
        }
    }
    assert!(
        report.is_empty(),
        "{} scenarios compared; differences:\n{}",
        scenarios.len(),
        report.join("\n")
    );
}
