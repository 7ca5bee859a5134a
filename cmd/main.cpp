// netdata-preflight: checks what keeps a Netdata node from being Live in Netdata Cloud.
#include "cmd/dispatch.h"

int main(int argc, char** argv) { return preflight::cmd::Main(argc, argv); }
