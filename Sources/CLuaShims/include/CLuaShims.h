#ifndef CLUASHIMS_H
#define CLUASHIMS_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#endif
