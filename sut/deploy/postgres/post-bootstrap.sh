#!/bin/sh
# Patroni runs this once, on the member that initialises the cluster, with a superuser connection
# string as $1: the SUT's database, owned by the role Patroni created from PATRONI_sut_PASSWORD.
set -eu
psql "$1" -v ON_ERROR_STOP=1 -c 'CREATE DATABASE taskmanager OWNER sut'
