/* fit-mlp - fit mlp on a dataset; see fit_cli.c. */
#include "fit_cli.h"

int main(int argc, char **argv)
{
	return fit_cli_main("mlp", argc, argv);
}
