/* fit-gbt - fit gbt on a dataset; see fit_cli.c. */
#include "fit_cli.h"

int main(int argc, char **argv)
{
	return fit_cli_main("gbt", argc, argv);
}
