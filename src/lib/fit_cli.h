/* fit_cli.h - the command line shared by fit-lr, fit-rf, fit-mlp, fit-medn
 * and fit-lop: each src/cmd/fit-RM.c is one call to fit_cli_main. Prints
 * only to stderr; returns the exit status. */
#ifndef MODLAT_FIT_CLI_H
#define MODLAT_FIT_CLI_H

int fit_cli_main(const char *rm, int argc, char **argv);

#endif
