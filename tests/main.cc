// Catch2's main lives alone in this file; it needs nothing from Relacy.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
