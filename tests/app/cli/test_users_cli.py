"""The ``flask users`` commands: create an admin non-interactively, list, reset a password."""


def test_create_admin_with_generated_password_then_login(runner, users):
    """`users create` prints a generated password once; it works for login; --if-missing is harmless."""
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.com"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    assert users.login("boss@example.com", password)["access_token"]
    again = runner.invoke(args=["users", "create", "--email", "boss@example.com", "--if-missing"])
    assert again.exit_code == 0 and "already exists" in again.output
    dup = runner.invoke(args=["users", "create", "--email", "boss@example.com"])
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_list_and_reset_password(runner, users, recruiter):
    """`users list` shows users; `users reset-password` sets a new one and the old one stops working."""
    listed = runner.invoke(args=["users", "list"])
    assert "recruiter@example.com\trecruiter" in listed.output
    result = runner.invoke(args=["users", "reset-password", "--email", "recruiter@example.com", "--password", "brand-new-password-1"])
    assert result.exit_code == 0, result.output
    assert users.login("recruiter@example.com", "brand-new-password-1")["access_token"]
    response = users.client.post("/user/login", json={"email": "recruiter@example.com", "password": "recruiter-password-123"})
    assert response.status_code == 401
    short = runner.invoke(args=["users", "reset-password", "--email", "recruiter@example.com", "--password", "short"])
    assert short.exit_code == 1 and "at least" in short.output
    missing = runner.invoke(args=["users", "reset-password", "--email", "ghost@example.com"])
    assert missing.exit_code == 1


def test_passwords_are_argon2id(app, recruiter):
    """Stored hashes are argon2id with at least OWASP's parameters (m ≥ 19 MiB, t ≥ 2)."""
    from senko.models import User

    with app.app_context():
        stored = User.by_email("recruiter@example.com").password_hash
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2


def test_boot_migrates_and_creates_the_first_admin_once(runner, users):
    """`flask boot` waits for the services, migrates, creates the first admin (password printed once); again it changes nothing."""
    first = runner.invoke(args=["boot", "--timeout", "10", "--admin-email", "First@Example.com"])
    assert first.exit_code == 0, first.output
    password = first.output.split("Password (shown once): ")[1].strip()
    assert users.login("first@example.com", password)["access_token"]
    again = runner.invoke(args=["boot", "--timeout", "10", "--admin-email", "first@example.com"])
    assert again.exit_code == 0 and "already exists" in again.output and "Password" not in again.output
