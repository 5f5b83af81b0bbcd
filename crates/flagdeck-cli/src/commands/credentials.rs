//! `flagdeck credentials URL`: stores a Git remote's password or token in the OS keyring, read
//! from standard input (never an argument: those show up in shell history and `ps`).

use std::io::BufRead;
use std::process::ExitCode;

use flagdeck_sync::{KeyringSecretStore, Secret, SecretStore, password_service};

use crate::error::{CliError, CliResult};
use crate::output::Format;

pub fn run(url: &str, format: Format) -> CliResult {
    let Some(user) = flagdeck_app::url_username(url) else {
        return Err(CliError::Usage(format!(
            "{url} names no user; put it in the URL, e.g. https://alice@example.com/flags.git, and use the same URL as the checkout's origin."
        )));
    };
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CliError::Io(format!(
            "Could not read the password from standard input: {e}."
        ))
    })?;
    let secret = line.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(CliError::Usage(
            "No password or token on standard input; pipe it in, e.g. printf '%s' \"$TOKEN\" | flagdeck credentials URL.".into(),
        ));
    }
    let service = password_service(url);
    KeyringSecretStore::platform_default()
        .set(&service, &user, &Secret::new(secret))
        .map_err(|e| CliError::Io(e.to_string()))?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"stored": true, "service": service, "user": user})
        ),
        Format::Text => println!("Stored the password for {user} at {service} in the OS keyring."),
    }
    Ok(ExitCode::SUCCESS)
}
