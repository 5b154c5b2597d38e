#!/usr/bin/env python3
"""Local development stack for socialaid: PostgreSQL 15 + single-node KRaft Kafka
+ the six FastAPI services, their Kafka workers and the two partner simulators.

Stdlib only (Python 3.11). No Docker. Everything lives under <repo>/.stack/.

    python3 deploy/local/stack.py infra-up        # postgres + kafka only
    python3 deploy/local/stack.py up [--no-demo]  # infra + migrate + topics + processes + demo
    python3 deploy/local/stack.py status
    python3 deploy/local/stack.py stop payments-worker ; ... start payments-worker
    python3 deploy/local/stack.py kafka-stop ; ... kafka-start
    python3 deploy/local/stack.py down [--keep-infra]
    python3 deploy/local/stack.py infra-down

See deploy/local/README.md.
"""
from __future__ import annotations

# ============================================================================
# Process table: the ONE place to edit ports, commands and environment.
# ============================================================================
SERVICES: dict[str, int] = {          # service -> API port
    "intake": 8001,
    "verification": 8002,
    "benefits": 8003,
    "payments": 8004,
    "relief": 8005,
    "referral": 8006,
}
WORKERS: list[str] = list(SERVICES)   # services that also run `python -m socialaid.<S> worker`
WORKER_PORT_BASE = 9000               # worker of the n-th service: /healthz and /metrics on 9001, 9002, …
SIMULATORS: dict[str, int] = {        # devsim subcommand -> port
    "department": 8101,
    "bank": 8102,
}
PY = ".venv/bin/python"               # relative to the repo root


def _cmds() -> dict:
    return {
        "migrate": lambda s: [PY, "-m", f"socialaid.{s}", "migrate"],
        "api": lambda s, port: [PY, "-m", f"socialaid.{s}", "serve", "--host", "127.0.0.1", "--port", str(port)],
        "worker": lambda s: [PY, "-m", f"socialaid.{s}", "worker"],
        "topics": lambda: [PY, "-m", "socialaid.events.admin", "create-topics", "--bootstrap", KAFKA_BOOTSTRAP],
        "sim": lambda kind, port: [PY, "-m", "socialaid.devsim", kind, "--host", "127.0.0.1", "--port", str(port)],
        "demo": lambda: [PY, "-m", "socialaid.devsim", "demo", "--intake", f"http://127.0.0.1:{SERVICES['intake']}"],
    }


def worker_port(service: str) -> int:
    return WORKER_PORT_BASE + 1 + list(SERVICES).index(service)


def service_env() -> dict[str, str]:
    """Environment given to every project process (migrate, api, worker, sims, demo)."""
    env = {
        "VERIFICATION_DEPARTMENT_URL": f"http://127.0.0.1:{SIMULATORS['department']}",
        "PAYMENTS_BANK_URL": f"http://127.0.0.1:{SIMULATORS['bank']}",
        "PYTHONUNBUFFERED": "1",
    }
    for s in SERVICES:
        env[f"{s.upper()}_DATABASE_URL"] = f"postgresql+asyncpg://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{PG_PORT}/{s}"
        env[f"{s.upper()}_KAFKA_BOOTSTRAP"] = KAFKA_BOOTSTRAP
        env[f"{s.upper()}_WORKER_PORT"] = str(worker_port(s))
    return env


# ============================================================================
import argparse
import base64
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PG_PORT = int(os.environ.get("STACK_PG_PORT", "55432"))
KAFKA_PORT = 59092
KAFKA_CONTROLLER_PORT = 59093
KAFKA_BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"
DB_USER = "socialaid"
DB_PASSWORD = "socialaid"
HEALTH_TIMEOUT = float(os.environ.get("STACK_HEALTH_TIMEOUT", "90"))
KAFKA_TIMEOUT = float(os.environ.get("STACK_KAFKA_TIMEOUT", "120"))
STOP_TIMEOUT = float(os.environ.get("STACK_STOP_TIMEOUT", "15"))
WORKER_SETTLE = float(os.environ.get("STACK_WORKER_SETTLE", "3"))
KAFKA_HEAP_OPTS = os.environ.get("STACK_KAFKA_HEAP_OPTS", "-Xmx512m -Xms512m")

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / ".stack"
LOGS = STACK / "logs"
PIDS = STACK / "pids"
KAFKA_DIR = STACK / "kafka"
KAFKA_LIBS = KAFKA_DIR / "libs"
KAFKA_DATA = KAFKA_DIR / "data"
KAFKA_PROPS = KAFKA_DIR / "server.properties"
KAFKA_FORMATTED = KAFKA_DIR / "formatted"      # written only after a successful format
KAFKA_POM = ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_LOG4J = ROOT / "deploy" / "kafka" / "log4j2.xml"
PG_LOCATION_FILE = STACK / "pg-location"      # records where the PG cluster lives
IS_ROOT = os.geteuid() == 0


class StackError(Exception):
    pass


def say(msg: str) -> None:
    print(f"[stack] {msg}", flush=True)


def tail(path: Path, n: int = 40) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            lines = f.read().decode(errors="replace").splitlines()
        return "\n".join(lines[-n:])
    except OSError as e:
        return f"(no log: {e})"


def fail(msg: str, log: Path | None = None) -> None:
    text = msg
    if log is not None:
        text += f"\n---- last lines of {log} ----\n{tail(log)}\n----"
    raise StackError(text)


# ---------------------------------------------------------------- processes
@dataclass
class Proc:
    name: str
    argv: list[str]
    token: str                 # substring of /proc/<pid>/cmdline identifying it
    port: int | None = None    # health: GET /healthz on this port
    env: dict[str, str] = field(default_factory=dict)

    @property
    def log(self) -> Path:
        return LOGS / f"{self.name}.log"

    @property
    def pidfile(self) -> Path:
        return PIDS / f"{self.name}.pid"


def process_table() -> list[Proc]:
    c = _cmds()
    procs: list[Proc] = []
    for kind, port in SIMULATORS.items():
        procs.append(Proc(f"{kind}-sim", c["sim"](kind, port), f"socialaid.devsim {kind}", port))
    for s, port in SERVICES.items():
        procs.append(Proc(f"{s}-api", c["api"](s, port), f"socialaid.{s} serve", port))
    for s in WORKERS:
        procs.append(Proc(f"{s}-worker", c["worker"](s), f"socialaid.{s} worker", worker_port(s)))
    return procs


def proc_by_name(name: str) -> Proc:
    for p in process_table():
        if p.name == name:
            return p
    names = ", ".join(p.name for p in process_table())
    raise StackError(f"unknown process {name!r}; known: {names} (and kafka, postgres)")


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def pid_alive(pid: int | None, token: str | None = None) -> bool:
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
        if token:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if token not in cmd:
                return False  # pid reused by something else: stale pid file
    except (OSError, IndexError):
        return False
    return True


def live_pid(pidfile: Path, token: str) -> int | None:
    pid = read_pid(pidfile)
    if pid_alive(pid, token):
        return pid
    if pidfile.exists():
        pidfile.unlink(missing_ok=True)  # stale
    return None


_children: dict[int, subprocess.Popen] = {}


def spawn(name: str, argv: list[str], env: dict[str, str], log: Path, pidfile: Path) -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    full_env = dict(os.environ)
    full_env.update(env)
    with open(log, "ab") as out:
        out.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start {name}: {' '.join(argv)}\n".encode())
        out.flush()
        p = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _children[p.pid] = p
    tmp = pidfile.with_suffix(".tmp")
    tmp.write_text(f"{p.pid}\n")
    tmp.replace(pidfile)
    return p.pid


def child_alive(pid: int, token: str | None) -> bool:
    p = _children.get(pid)
    if p is not None and p.poll() is not None:
        return False
    return pid_alive(pid, token)


def terminate(pid: int, token: str | None, timeout: float, what: str) -> None:
    """SIGTERM the process group (we start everything with its own session), wait, SIGKILL."""
    def _signal(sig: int) -> None:
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass

    _signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child_alive(pid, token):
            break
        time.sleep(0.2)
    else:
        say(f"{what} (pid {pid}) did not stop in {timeout:.0f}s: SIGKILL")
        _signal(signal.SIGKILL)
        time.sleep(0.5)
    # the group may still hold stragglers (e.g. uvicorn reload children)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def http_ok(port: int, path: str = "/healthz", timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return 200 <= r.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def run(argv: list[str], *, log: Path | None = None, check: bool = True, timeout: float | None = None,
        env: dict[str, str] | None = None, capture: bool = False) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    if log is not None:
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            out.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} run: {' '.join(argv)}\n".encode())
            out.flush()
            cp = subprocess.run(argv, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, timeout=timeout)
    else:
        cp = subprocess.run(argv, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL, timeout=timeout,
                            capture_output=capture, text=True)
    if check and cp.returncode != 0:
        detail = f"\n{cp.stdout or ''}{cp.stderr or ''}" if capture else ""
        fail(f"command failed ({cp.returncode}): {' '.join(argv)}{detail}", log)
    return cp


# ---------------------------------------------------------------- postgres
def pg_bin(tool: str) -> str:
    cands = []
    if os.environ.get("STACK_PG_BIN"):
        cands.append(Path(os.environ["STACK_PG_BIN"]))
    cands.append(Path("/usr/lib/postgresql/15/bin"))
    cands += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for d in cands:
        if (d / tool).exists():
            return str(d / tool)
    found = shutil.which(tool)
    if found:
        return found
    raise StackError(f"PostgreSQL tool {tool!r} not found (set STACK_PG_BIN)")


def as_pg(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if IS_ROOT else argv


def _postgres_ids() -> tuple[int, int]:
    import pwd
    pw = pwd.getpwnam("postgres")
    return pw.pw_uid, pw.pw_gid


def chown_pg(path: Path) -> None:
    if IS_ROOT:
        uid, gid = _postgres_ids()
        os.chown(path, uid, gid)


@dataclass
class PgPaths:
    base: Path
    data: Path
    sock: Path
    log: Path


def pg_paths() -> PgPaths:
    """Where the cluster lives: .stack/pg, or /tmp/socialaid-pg-<hash> when the postgres
    user cannot traverse to the repo (e.g. a clone under /root). Recorded in .stack/pg-location."""
    STACK.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    base: Path | None = None
    if PG_LOCATION_FILE.exists():
        base = Path(PG_LOCATION_FILE.read_text().strip())
    if base is None:
        base = STACK / "pg"
        if IS_ROOT and subprocess.run(as_pg(["test", "-x", str(STACK)]),
                                      stdin=subprocess.DEVNULL).returncode != 0:
            base = Path(f"/tmp/socialaid-pg-{h}")
            say(f"postgres user cannot traverse {STACK}; PostgreSQL data goes to {base}")
        PG_LOCATION_FILE.write_text(f"{base}\n")
    sock = base / "run"
    if len(str(sock)) + len("/.s.PGSQL.65535") > 100:  # unix socket path limit (~107)
        sock = Path(f"/tmp/socialaid-pgsock-{h}")
    in_stack = STACK in base.parents
    log = LOGS / "postgres.log" if in_stack else base / "postgres.log"
    return PgPaths(base, base / "data", sock, log)


def pg_prepare_dirs(p: PgPaths) -> None:
    for d in (p.base, p.sock):
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o700 if d == p.sock else 0o755)
        chown_pg(d)
    if not p.log.exists():
        p.log.touch()
    chown_pg(p.log)
    if p.log.parent != LOGS:
        link = LOGS / "postgres.log"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(p.log)


def pg_initdb(p: PgPaths) -> None:
    marker = p.base / "initdb.done"
    if marker.exists() and (p.data / "PG_VERSION").exists():
        return
    if p.data.exists():
        say(f"removing half-initialised PostgreSQL data dir {p.data}")
        shutil.rmtree(p.data)
    say(f"initdb {p.data}")
    run(as_pg([pg_bin("initdb"), "-D", str(p.data), "-U", "postgres", "-E", "UTF8", "--no-locale",
               "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]), log=LOGS / "postgres-init.log")
    conf = p.data / "postgresql.conf"
    with open(conf, "a") as f:
        f.write("\n# --- socialaid local dev stack (throwaway data: durability off for speed) ---\n"
                "max_connections = 300\nshared_buffers = 128MB\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\nlog_min_duration_statement = -1\n"
                "log_line_prefix = '%m [%p] %q%u@%d '\n")
    marker.write_text("ok\n")


def pg_status(p: PgPaths) -> tuple[bool, int | None, int | None]:
    """(running, pid, port) of the cluster in p.data, per postmaster.pid + pg_ctl status."""
    if not (p.data / "PG_VERSION").exists():
        return False, None, None
    cp = subprocess.run(as_pg([pg_bin("pg_ctl"), "status", "-D", str(p.data)]),
                        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if cp.returncode != 0:
        return False, None, None
    try:
        lines = (p.data / "postmaster.pid").read_text().splitlines()
        return True, int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return True, None, None


def psql(p: PgPaths, sql: str, db: str = "postgres") -> str:
    cp = run(as_pg([pg_bin("psql"), "-h", str(p.sock), "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                    "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql]), capture=True)
    return cp.stdout.strip()


def pg_up() -> PgPaths:
    p = pg_paths()
    pg_prepare_dirs(p)
    pg_initdb(p)
    running, pid, port = pg_status(p)
    if running and port not in (None, PG_PORT):
        say(f"PostgreSQL from {p.data} runs on port {port}, wanted {PG_PORT}: restarting")
        pg_down(p)
        running = False
    if running:
        say(f"PostgreSQL already running (pid {pid}, port {PG_PORT})")
    else:
        if port_open(PG_PORT):
            fail(f"port {PG_PORT} is taken by another process (not the cluster in {p.data}); "
                 f"stop it or set STACK_PG_PORT")
        say(f"starting PostgreSQL on 127.0.0.1:{PG_PORT}")
        opts = f"-c port={PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={p.sock}"
        cp = subprocess.run(as_pg([pg_bin("pg_ctl"), "start", "-D", str(p.data), "-l", str(p.log), "-w",
                                   "-t", "60", "-o", opts]), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if cp.returncode != 0:
            fail("pg_ctl start failed", p.log)
    # role + one database per service (idempotent)
    psql(p, f"""DO $$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}') THEN
    CREATE ROLE {DB_USER} LOGIN CREATEDB SUPERUSER PASSWORD '{DB_PASSWORD}';
  ELSE
    ALTER ROLE {DB_USER} LOGIN CREATEDB SUPERUSER PASSWORD '{DB_PASSWORD}';
  END IF;
END$$;""")
    existing = set(psql(p, "SELECT datname FROM pg_database").split())
    for s in SERVICES:
        if s not in existing:
            psql(p, f'CREATE DATABASE "{s}" OWNER {DB_USER}')
            say(f"created database {s}")
    return p


def pg_down(p: PgPaths | None = None) -> None:
    if p is None:
        if not PG_LOCATION_FILE.exists():
            say("PostgreSQL: nothing to stop")
            return
        p = pg_paths()
    running, pid, _ = pg_status(p)
    if not running:
        say("PostgreSQL not running")
        return
    say(f"stopping PostgreSQL (pid {pid})")
    run(as_pg([pg_bin("pg_ctl"), "stop", "-D", str(p.data), "-m", "fast", "-w", "-t", "60"]), capture=True)


# ---------------------------------------------------------------- kafka
KAFKA_TOKEN = "kafka.Kafka"
KAFKA_PIDFILE = PIDS / "kafka.pid"
KAFKA_LOG = LOGS / "kafka.log"


def kafka_resolve_jars() -> None:
    stamp = KAFKA_LIBS / ".pom.sha1"
    want = hashlib.sha1(KAFKA_POM.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == want and any(KAFKA_LIBS.glob("kafka_2.13-*.jar")):
        return
    if not shutil.which("mvn"):
        fail("mvn not found: install Maven (apt-get install maven) to resolve the Kafka jars")
    say("resolving Kafka jars with Maven (first run only)")
    tmp = KAFKA_DIR / "libs.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    run(["mvn", "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
         f"-DoutputDirectory={tmp}"], log=LOGS / "kafka-mvn.log", timeout=900)
    (tmp / ".pom.sha1").write_text(want + "\n")
    shutil.rmtree(KAFKA_LIBS, ignore_errors=True)
    tmp.replace(KAFKA_LIBS)
    shutil.rmtree(ROOT / "deploy" / "kafka" / "target", ignore_errors=True)


def kafka_properties() -> str:
    return f"""# generated by deploy/local/stack.py -- edits are overwritten on each start
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:{KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT},CONTROLLER://127.0.0.1:{KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:{KAFKA_PORT},CONTROLLER://127.0.0.1:{KAFKA_CONTROLLER_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={KAFKA_DATA}
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.segment.bytes=67108864
log.retention.hours=168
"""


def kafka_cluster_id() -> str:
    while True:  # same shape as `kafka-storage random-uuid`
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def java_bin() -> str:
    jh = os.environ.get("JAVA_HOME")
    if jh and (Path(jh) / "bin" / "java").exists():
        return str(Path(jh) / "bin" / "java")
    j = shutil.which("java")
    if not j:
        fail("java not found (need Java 17+)")
    return j


def kafka_java(main: list[str], heap: str) -> list[str]:
    # what bin/kafka-run-class.sh does (KAFKA_JVM_PERFORMANCE_OPTS), minus JMX/GC-log files
    return [java_bin(), *heap.split(), "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={KAFKA_LOG4J}", f"-Dkafka.logs.dir={LOGS}",
            "-cp", str(KAFKA_LIBS / "*"), *main]


def kafka_format() -> None:
    KAFKA_DIR.mkdir(parents=True, exist_ok=True)
    KAFKA_PROPS.write_text(kafka_properties())
    if KAFKA_FORMATTED.exists() and (KAFKA_DATA / "meta.properties").exists():
        return
    if KAFKA_DATA.exists():
        say(f"removing half-formatted Kafka data dir {KAFKA_DATA}")
        shutil.rmtree(KAFKA_DATA)
    KAFKA_FORMATTED.unlink(missing_ok=True)
    cid = kafka_cluster_id()
    say(f"formatting KRaft storage (cluster id {cid})")
    # == bin/kafka-storage.sh format --standalone -t <id> -c server.properties
    run(kafka_java(["kafka.tools.StorageTool", "format", "--standalone", "-t", cid, "-c", str(KAFKA_PROPS)],
                   "-Xmx256m"), log=LOGS / "kafka-format.log", timeout=120)
    KAFKA_FORMATTED.write_text(cid + "\n")


def kafka_api_versions_ok(port: int = KAFKA_PORT) -> bool:
    """Send a Kafka ApiVersions v0 request; True if the broker answers with error_code 0."""
    client = b"stack-probe"
    body = struct.pack(">hhih", 18, 0, 4242, len(client)) + client
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.settimeout(3)
            s.sendall(struct.pack(">i", len(body)) + body)
            hdr = b""
            while len(hdr) < 10:
                chunk = s.recv(10 - len(hdr))
                if not chunk:
                    return False
                hdr += chunk
            _size, corr, err = struct.unpack(">iih", hdr)
            return corr == 4242 and err == 0
    except OSError:
        return False


def kafka_running() -> int | None:
    return live_pid(KAFKA_PIDFILE, KAFKA_TOKEN)


def kafka_start() -> None:
    kafka_resolve_jars()
    kafka_format()
    pid = kafka_running()
    if pid:
        say(f"Kafka already running (pid {pid})")
        log_offset = 0
        started = True
    else:
        for port in (KAFKA_PORT, KAFKA_CONTROLLER_PORT):
            if port_open(port):
                fail(f"port {port} is taken by a process this stack did not start (another Kafka?)")
        LOGS.mkdir(parents=True, exist_ok=True)
        log_offset = KAFKA_LOG.stat().st_size if KAFKA_LOG.exists() else 0
        say(f"starting Kafka on {KAFKA_BOOTSTRAP}")
        pid = spawn("kafka", kafka_java(["kafka.Kafka", str(KAFKA_PROPS)], KAFKA_HEAP_OPTS), {},
                    KAFKA_LOG, KAFKA_PIDFILE)
        started = False
    deadline = time.monotonic() + KAFKA_TIMEOUT
    while time.monotonic() < deadline:
        if not child_alive(pid, KAFKA_TOKEN):
            KAFKA_PIDFILE.unlink(missing_ok=True)
            fail("Kafka exited during startup", KAFKA_LOG)
        if not started:
            with open(KAFKA_LOG, "rb") as f:
                f.seek(log_offset)
                started = b"Kafka Server started" in f.read()
        if started and kafka_api_versions_ok():
            say(f"Kafka ready (pid {pid})")
            return
        time.sleep(0.5)
    fail(f"Kafka not ready after {KAFKA_TIMEOUT:.0f}s", KAFKA_LOG)


def kafka_stop() -> None:
    pid = kafka_running()
    if not pid:
        say("Kafka not running")
        return
    say(f"stopping Kafka (pid {pid})")
    terminate(pid, KAFKA_TOKEN, 60, "Kafka")
    KAFKA_PIDFILE.unlink(missing_ok=True)


# ---------------------------------------------------------------- services
def ensure_venv() -> None:
    if not (ROOT / PY).exists():
        fail(f"{ROOT / PY} not found: create the project venv first (make bootstrap / uv sync --all-packages)")


def write_env_file() -> None:
    lines = [f"export {k}={v}" for k, v in sorted(service_env().items()) if k != "PYTHONUNBUFFERED"]
    lines.append(f"export STACK_KAFKA_BOOTSTRAP={KAFKA_BOOTSTRAP}")
    lines.append(f"export STACK_PG_PORT={PG_PORT}")
    (STACK / "env").write_text("\n".join(lines) + "\n")


def migrate_all() -> None:
    env = service_env()
    c = _cmds()
    LOGS.mkdir(parents=True, exist_ok=True)
    running: list[tuple[str, subprocess.Popen, Path, object]] = []
    for s in SERVICES:
        log = LOGS / f"{s}-migrate.log"
        out = open(log, "ab")
        out.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} migrate {s}\n".encode())
        out.flush()
        full_env = dict(os.environ)
        full_env.update(env)
        p = subprocess.Popen(c["migrate"](s), cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT)
        running.append((s, p, log, out))
    errors = []
    for s, p, log, out in running:
        try:
            rc = p.wait(timeout=180)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = "timeout"
        out.close()
        if rc != 0:
            errors.append((s, rc, log))
    if errors:
        s, rc, log = errors[0]
        fail(f"migrate failed for {', '.join(e[0] for e in errors)} ({s}: {rc})", log)
    say(f"migrated: {', '.join(SERVICES)}")


def start_procs(procs: list[Proc]) -> None:
    """Start those not already alive, then wait for health of all of them."""
    env = service_env()
    started_at: dict[str, float] = {}
    pids: dict[str, int] = {}
    for p in procs:
        pid = live_pid(p.pidfile, p.token)
        if pid:
            say(f"{p.name}: already running (pid {pid})")
            started_at[p.name] = 0.0
        else:
            if p.port and port_open(p.port):
                fail(f"{p.name}: port {p.port} is taken by a process this stack did not start")
            pid = spawn(p.name, p.argv, {**env, **p.env}, p.log, p.pidfile)
            say(f"{p.name}: started (pid {pid})")
            started_at[p.name] = time.monotonic()
        pids[p.name] = pid
    pending = {p.name: p for p in procs}
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while pending:
        for name, p in list(pending.items()):
            if not child_alive(pids[name], p.token):
                p.pidfile.unlink(missing_ok=True)
                fail(f"{name} exited", p.log)
            if p.port is not None:
                if http_ok(p.port):
                    del pending[name]
            elif time.monotonic() - started_at[name] >= WORKER_SETTLE:
                del pending[name]
        if not pending:
            break
        if time.monotonic() > deadline:
            name = next(iter(pending))
            fail(f"not healthy after {HEALTH_TIMEOUT:.0f}s: {', '.join(pending)}", pending[name].log)
        time.sleep(0.3)
    say(f"healthy: {', '.join(p.name for p in procs)}")


def stop_proc(p: Proc, quiet: bool = False) -> None:
    pid = live_pid(p.pidfile, p.token)
    if not pid:
        if not quiet:
            say(f"{p.name}: not running")
        return
    say(f"{p.name}: stopping (pid {pid})")
    terminate(pid, p.token, STOP_TIMEOUT, p.name)
    p.pidfile.unlink(missing_ok=True)


def print_summary(p: PgPaths | None) -> None:
    rows = []
    for s, port in SERVICES.items():
        base = f"http://127.0.0.1:{port}"
        rows.append((s, base, f"{base}/docs", f"{base}/metrics, worker http://127.0.0.1:{worker_port(s)}/metrics"))
    for kind, port in SIMULATORS.items():
        rows.append((f"{kind} (sim)", f"http://127.0.0.1:{port}", "", ""))
    w = max(len(r[0]) for r in rows)
    print()
    print(f"{'service'.ljust(w)}  {'API':24}  {'docs':29}  metrics")
    for r in rows:
        print(f"{r[0].ljust(w)}  {r[1]:24}  {r[2]:29}  {r[3]}")
    print()
    print(f"PostgreSQL : postgresql://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{PG_PORT}/<service>"
          f"  (databases: {', '.join(SERVICES)})")
    print(f"Kafka      : {KAFKA_BOOTSTRAP}")
    print(f"Logs       : {LOGS}")
    print(f"Env file   : {STACK / 'env'}  (source it to talk to the stack)")
    print()


# ---------------------------------------------------------------- commands
def cmd_infra_up(_a) -> PgPaths:
    for d in (STACK, LOGS, PIDS, KAFKA_DIR):
        d.mkdir(parents=True, exist_ok=True)
    (STACK / ".gitignore").write_text("*\n")
    t = time.monotonic()
    kafka_resolve_jars()
    p = pg_up()
    kafka_start()
    write_env_file()
    say(f"infra up in {time.monotonic() - t:.1f}s: postgres 127.0.0.1:{PG_PORT}, kafka {KAFKA_BOOTSTRAP}")
    return p


def cmd_infra_down(_a) -> None:
    kafka_stop()
    pg_down()


def cmd_up(a) -> None:
    t = time.monotonic()
    p = cmd_infra_up(a)
    ensure_venv()
    migrate_all()
    run(_cmds()["topics"](), log=LOGS / "topics.log", env=service_env(), timeout=120)
    say("topics created")
    start_procs(process_table())
    if a.no_demo:
        say("demo seed skipped (--no-demo)")
    else:
        run(_cmds()["demo"](), log=LOGS / "demo.log", env=service_env(), timeout=300)
        say(f"demo data seeded (log: {LOGS / 'demo.log'})")
    say(f"stack up in {time.monotonic() - t:.1f}s")
    print_summary(p)


def cmd_down(a) -> None:
    for p in reversed(process_table()):
        stop_proc(p, quiet=True)
    if not a.keep_infra:
        cmd_infra_down(a)


def cmd_start(a) -> None:
    if a.name == "kafka":
        return kafka_start()
    if a.name == "postgres":
        pg_up()
        return
    ensure_venv()
    start_procs([proc_by_name(a.name)])


def cmd_stop(a) -> None:
    if a.name == "kafka":
        return kafka_stop()
    if a.name == "postgres":
        return pg_down()
    stop_proc(proc_by_name(a.name))


def cmd_status(_a) -> None:
    lines = []
    if PG_LOCATION_FILE.exists():
        pp = pg_paths()
        running, pid, port = pg_status(pp)
        lines.append(("postgres", pid, running, f"{PG_PORT} {'open' if port_open(PG_PORT) else 'closed'}"))
    else:
        lines.append(("postgres", None, False, "not initialised"))
    kpid = kafka_running()
    kinfo = f"{KAFKA_PORT} {'ready' if kpid and kafka_api_versions_ok() else 'down'}"
    lines.append(("kafka", kpid or read_pid(KAFKA_PIDFILE), bool(kpid), kinfo))
    for p in process_table():
        pid = read_pid(p.pidfile)
        alive = pid_alive(pid, p.token)
        if p.port is None:
            info = "worker"
        else:
            info = f"{p.port} {'healthy' if alive and http_ok(p.port, timeout=1) else 'unhealthy'}"
        lines.append((p.name, pid, alive, info))
    w = max(len(n) for n, *_ in lines)
    for name, pid, alive, info in lines:
        print(f"{name.ljust(w)}  {str(pid or '-'):>8}  {'alive' if alive else 'dead':5}  {info}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("infra-up", help="PostgreSQL + Kafka (idempotent)").set_defaults(fn=cmd_infra_up)
    sub.add_parser("infra-down", help="stop Kafka and PostgreSQL").set_defaults(fn=cmd_infra_down)
    sub.add_parser("kafka-start", help="start the broker (data kept)").set_defaults(fn=lambda a: kafka_start())
    sub.add_parser("kafka-stop", help="stop the broker (data kept)").set_defaults(fn=lambda a: kafka_stop())
    up = sub.add_parser("up", help="infra + migrate + topics + all processes + demo seed")
    up.add_argument("--no-demo", action="store_true", help="skip the demo data seed")
    up.set_defaults(fn=cmd_up)
    down = sub.add_parser("down", help="stop all processes, then infra")
    down.add_argument("--keep-infra", action="store_true", help="leave PostgreSQL and Kafka running")
    down.set_defaults(fn=cmd_down)
    sub.add_parser("status", help="one line per process").set_defaults(fn=cmd_status)
    st = sub.add_parser("start", help="start one process (name from `status`) and wait for health")
    st.add_argument("name")
    st.set_defaults(fn=cmd_start)
    sp = sub.add_parser("stop", help="stop one process (name from `status`)")
    sp.add_argument("name")
    sp.set_defaults(fn=cmd_stop)
    a = ap.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `stack.py status | head` must not trace back
    try:
        a.fn(a)
    except StackError as e:
        print(f"[stack] ERROR: {e}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
