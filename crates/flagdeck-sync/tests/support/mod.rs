//! A small smart-HTTP Git server for tests: `git http-backend` as a CGI behind HTTP Basic auth,
//! on 127.0.0.1, one thread per connection, one request per connection (`Connection: close`).
//! It serves one bare repository, `flags.git`, seeded with a `flagdeck.json` on `main`.

#![allow(dead_code)] // each test file uses its own part of it

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine;
use tempfile::TempDir;

pub const USER: &str = "ada";
pub const PASSWORD: &str = "right-Passw0rd";

/// A stream the server speaks HTTP over: plain TCP, or TLS around it.
pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Turns an accepted TCP connection into the stream to serve (the TLS handshake, for https).
pub type Wrap = dyn Fn(TcpStream) -> io::Result<Box<dyn Stream>> + Send + Sync;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub had_credentials: bool,
    pub status: u16,
}

pub struct GitHttpServer {
    scheme: &'static str,
    port: u16,
    root: TempDir,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl GitHttpServer {
    /// A plain-HTTP server with a seeded repository.
    pub fn start_http() -> io::Result<Self> {
        Self::start("http", Arc::new(|tcp| Ok(Box::new(tcp) as Box<dyn Stream>)))
    }

    /// An https server whose certificate (`server.pem`, `server.key` in `tls_dir`, see
    /// [`make_test_ca`]) is signed by a throw-away CA that only the test trusts.
    pub fn start_https(tls_dir: &Path) -> io::Result<Self> {
        use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod};
        let mut builder =
            SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).map_err(io::Error::other)?;
        builder
            .set_private_key_file(tls_dir.join("server.key"), SslFiletype::PEM)
            .map_err(io::Error::other)?;
        builder
            .set_certificate_chain_file(tls_dir.join("server.pem"))
            .map_err(io::Error::other)?;
        let acceptor = Arc::new(builder.build());
        Self::start(
            "https",
            Arc::new(move |tcp| {
                let tls = acceptor
                    .accept(tcp)
                    .map_err(|e| io::Error::other(e.to_string()))?;
                Ok(Box::new(tls) as Box<dyn Stream>)
            }),
        )
    }

    /// A server whose connections go through `wrap` first (TLS for `https`).
    pub fn start(scheme: &'static str, wrap: Arc<Wrap>) -> io::Result<Self> {
        let root = TempDir::new()?;
        let bare = root.path().join("flags.git");
        seed_bare_repository(&bare)?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let project_root = root.path().to_path_buf();
        let log = Arc::clone(&seen);
        // The thread ends with the test process; each connection gets its own thread.
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                let Ok(tcp) = tcp else { continue };
                let wrap = Arc::clone(&wrap);
                let project_root = project_root.clone();
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    if let Ok(stream) = wrap(tcp) {
                        let _ = serve(stream, &project_root, &log); // ok: the client sees the cut
                    }
                });
            }
        });
        Ok(Self {
            scheme,
            port,
            root,
            seen,
        })
    }

    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}/flags.git", self.scheme, self.port)
    }

    pub fn bare_path(&self) -> PathBuf {
        self.root.path().join("flags.git")
    }

    /// `main` of the bare repository, read with the git CLI.
    pub fn main_head(&self) -> io::Result<String> {
        Ok(
            git_cli(&self.bare_path(), &["rev-parse", "refs/heads/main"])?
                .trim()
                .to_owned(),
        )
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn requests_with_credentials(&self) -> usize {
        self.seen().iter().filter(|s| s.had_credentials).count()
    }

    /// Requests that carried credentials and were still answered 401.
    pub fn refused_with_credentials(&self) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.had_credentials && s.status == 401)
            .count()
    }
}

/// Writes a throw-away CA (`ca.pem`) and a server certificate for 127.0.0.1 signed by it
/// (`server.pem`, `server.key`) into `dir`, with the openssl CLI.
pub fn make_test_ca(dir: &Path) -> io::Result<()> {
    let openssl = |args: &[&str]| -> io::Result<()> {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()?;
        if output.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            )))
        }
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=Flagdeck test CA",
    ];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&ca)?;
    let mut csr = vec!["req", "-new", "-subj", "/CN=127.0.0.1"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr"]);
    openssl(&csr)?;
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
    )?;
    openssl(&[
        "x509",
        "-req",
        "-days",
        "2",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ])
}

/// Runs the git CLI on a bare repository and returns its stdout.
pub fn git_cli(git_dir: &Path, args: &[&str]) -> io::Result<String> {
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .output()?;
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(io::Error::other)
}

/// A bare repository with one commit on `main` (a `flagdeck.json`), pushes over HTTP allowed.
pub fn seed_bare_repository(bare: &Path) -> io::Result<()> {
    let run = |args: &[&str], cwd: &Path| -> io::Result<()> {
        let output = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env("GIT_AUTHOR_NAME", "Seed")
            .env("GIT_AUTHOR_EMAIL", "seed@example.invalid")
            .env("GIT_COMMITTER_NAME", "Seed")
            .env("GIT_COMMITTER_EMAIL", "seed@example.invalid")
            .output()?;
        if output.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "git {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            )))
        }
    };
    let parent = bare.parent().ok_or_else(|| io::Error::other("no parent"))?;
    let bare_str = bare.to_str().ok_or_else(|| io::Error::other("path"))?;
    run(
        &["init", "--quiet", "--bare", "-b", "main", bare_str],
        parent,
    )?;
    run(&["config", "http.receivepack", "true"], bare)?;
    let work = parent.join("seed-work");
    let work_str = work.to_str().ok_or_else(|| io::Error::other("path"))?;
    run(&["init", "--quiet", "-b", "main", work_str], parent)?;
    std::fs::write(work.join("flagdeck.json"), "{\"name\": \"seed\"}\n")?;
    run(&["add", "flagdeck.json"], &work)?;
    run(&["commit", "--quiet", "-m", "seed"], &work)?;
    run(&["push", "--quiet", bare_str, "main"], &work)?;
    std::fs::remove_dir_all(&work)
}

/// A parsed request: the line, the headers (names lower-cased) and the body, de-chunked.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn serve(stream: Box<dyn Stream>, project_root: &Path, log: &Mutex<Vec<Seen>>) -> io::Result<()> {
    let mut reader = BufReader::new(stream);
    let request = read_request(&mut reader)?;
    let user = authorized_user(request.header("authorization"));
    let (status, response) = match user {
        Some(user) => run_backend(&request, &user, project_root)?,
        None => (
            401,
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"flags\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        ),
    };
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Seen {
            method: request.method.clone(),
            target: request.target.clone(),
            had_credentials: request.header("authorization").is_some(),
            status,
        });
    let stream = reader.get_mut();
    stream.write_all(&response)?;
    stream.flush()
}

fn read_request(reader: &mut BufReader<Box<dyn Stream>>) -> io::Result<Request> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::other(format!("bad request line {line:?}")));
    };
    let (method, target) = (method.to_owned(), target.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 {
            return Err(io::Error::other("connection closed in the headers"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let mut request = Request {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        reader
            .get_mut()
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        reader.get_mut().flush()?;
    }
    if request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        request.body = read_chunked(reader)?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length.parse().map_err(io::Error::other)?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(request)
}

/// A `Transfer-Encoding: chunked` body (libgit2 streams push packs this way).
fn read_chunked(reader: &mut BufReader<Box<dyn Stream>>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line)?;
        let size_hex = size_line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_hex, 16).map_err(io::Error::other)?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// The user of a correct `Authorization: Basic` header, or `None`.
fn authorized_user(header: Option<&str>) -> Option<String> {
    let encoded = header?.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    (user == USER && password == PASSWORD).then(|| user.to_owned())
}

/// Runs `git http-backend` for the request and turns its CGI answer into an HTTP response.
fn run_backend(request: &Request, user: &str, project_root: &Path) -> io::Result<(u16, Vec<u8>)> {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let mut command = Command::new("git");
    command
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", project_root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("REQUEST_METHOD", &request.method)
        .env("CONTENT_TYPE", request.header("content-type").unwrap_or(""))
        .env("CONTENT_LENGTH", request.body.len().to_string())
        .env("REMOTE_USER", user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // http-backend inflates a gzip body itself when told so.
    if let Some(encoding) = request.header("content-encoding") {
        command.env("HTTP_CONTENT_ENCODING", encoding);
    }
    if let Some(protocol) = request.header("git-protocol") {
        command.env("GIT_PROTOCOL", protocol);
    }
    let mut child = command.spawn()?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin"))?;
    let body = request.body.clone();
    // Written from another thread so a large answer cannot block a large request.
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output()?;
    let _ = writer.join(); // ok: the backend's answer says whether it read the body
    cgi_to_http(&output.stdout)
}

/// A CGI answer (headers, a blank line, the body; `Status:` for anything but 200) as HTTP.
fn cgi_to_http(cgi: &[u8]) -> io::Result<(u16, Vec<u8>)> {
    let (head_end, body_start) = match find(cgi, b"\r\n\r\n") {
        Some(at) => (at, at + 4),
        None => find(cgi, b"\n\n")
            .map(|at| (at, at + 2))
            .ok_or_else(|| io::Error::other("CGI answer without headers"))?,
    };
    let head = String::from_utf8_lossy(&cgi[..head_end]);
    let body = &cgi[body_start..];
    let mut status = "200 OK".to_owned();
    let mut headers = String::new();
    for line in head.lines() {
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("status") => {
                status = value.trim().to_owned();
            }
            Some(_) => {
                headers.push_str(line.trim_end());
                headers.push_str("\r\n");
            }
            None => {}
        }
    }
    let code = status
        .split_whitespace()
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(500);
    let mut response = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    Ok((code, response))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
