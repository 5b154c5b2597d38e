-- Runs once, when the postgres container initialises an empty data volume
-- (docker-entrypoint-initdb.d). One database per service, all owned by the
-- POSTGRES_USER of docker-compose.yml (socialaid), as in deploy/local/stack.py.
CREATE DATABASE intake OWNER socialaid;
CREATE DATABASE verification OWNER socialaid;
CREATE DATABASE benefits OWNER socialaid;
CREATE DATABASE payments OWNER socialaid;
CREATE DATABASE relief OWNER socialaid;
CREATE DATABASE referral OWNER socialaid;
