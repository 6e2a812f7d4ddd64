/* Parse floors for bench/check.sh: the time jansson takes to load a JSON file into a tree, and
 * libyaml to parse a YAML stream into events, on one core. flyte-policy builds on both, so its
 * `check` is measured against them in the same run.
 * Usage: floor json FILE | floor yaml FILE   (prints milliseconds) */
#include <jansson.h>
#include <yaml.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int json_floor(const char *path) {
    json_error_t error;
    double start = now_ms();
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
    double elapsed = now_ms() - start;
    if (!root) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, error.line, error.column, error.text);
        return 1;
    }
    json_decref(root);
    printf("%.1f\n", elapsed);
    return 0;
}

static int yaml_floor(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); return 1; }
    yaml_parser_t parser;
    yaml_event_t event;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, file);
    double start = now_ms();
    int done = 0;
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: %s at line %zu\n", path, parser.problem, parser.problem_mark.line + 1);
            return 1;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    double elapsed = now_ms() - start;
    yaml_parser_delete(&parser);
    fclose(file);
    printf("%.1f\n", elapsed);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: floor json|yaml FILE\n"); return 2; }
    if (strcmp(argv[1], "json") == 0) return json_floor(argv[2]);
    if (strcmp(argv[1], "yaml") == 0) return yaml_floor(argv[2]);
    fprintf(stderr, "usage: floor json|yaml FILE\n");
    return 2;
}
