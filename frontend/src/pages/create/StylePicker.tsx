// The 7 styles as a grid of pictures: native radio buttons (arrow keys move, one tab stop).
import { Image, SimpleGrid, Text, UnstyledButton } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { STYLES, type Style } from "../../api/types";
import classes from "./CreatePage.module.css";

export function StylePicker({ value, onChange }: { value: Style; onChange: (style: Style) => void }) {
  const { t } = useTranslation("create");
  return (
    <fieldset className={classes.fieldset}>
      <legend className={classes.legend}>{t("style.label")}</legend>
      <SimpleGrid cols={{ base: 2, xs: 4, md: 7 }} spacing="xs">
        {STYLES.map((style) => (
          <UnstyledButton component="label" key={style} className={classes.styleCard} data-checked={value === style || undefined}>
            <input
              type="radio"
              name="style"
              value={style}
              checked={value === style}
              onChange={() => onChange(style)}
              className={classes.radio}
            />
            <Image src={`/styles/${style}.jpg`} alt="" width={120} height={160} radius="sm" loading="lazy" className={classes.styleImage} />
            <Text size="sm" ta="center" fw={value === style ? 700 : 400}>
              {t(`common:style.${style}`)}
            </Text>
          </UnstyledButton>
        ))}
      </SimpleGrid>
    </fieldset>
  );
}
